using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Tributary.Core.Domain;
using Tributary.Core.Logs;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>The run queue's rules (<see cref="IRunQueueStore"/>), proven on both databases.</summary>
public abstract class RunQueueStoreContract
{
    protected abstract TestDialect Dialect { get; }

    private protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>PostgreSQL: until a statement containing <paramref name="statementPart"/> waits for a lock.</summary>
    private protected static Task WaitForALockWaitAsync(Database database, string statementPart, string what) =>
        Eventually.TrueAsync(
            async ct =>
            {
                await using var probe = await database.OpenAsync(ct);
                await using var waiting = probe.Command(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%' || @part || '%'").With("part", statementPart);
                return await waiting.ScalarInt64Async(ct) > 0;
            },
            TimeSpan.FromSeconds(10),
            what,
            Token);

    [Fact]
    public async Task ApplyTrigger_WhenRunAlreadyQueued_CoalescesIntoIt()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var sync = await h.SyncAsync(await h.CreateConnectionAsync("c1", Token), "deals", Token);

        var first = Assert.Single(await h.TriggerAsync(sync, Token));
        var second = Assert.Single(await h.TriggerAsync(sync, Token));

        Assert.Equal(TriggerOutcomes.Queued, first.Outcome);
        Assert.Equal(TriggerOutcomes.Coalesced, second.Outcome);
        Assert.Equal(first.RunId, second.RunId);
    }

    [Fact]
    public async Task ApplyTrigger_WhileRunning_QueuesOneFollowUpThatWaitsForTheRunningRun()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var sync = await h.SyncAsync(await h.CreateConnectionAsync("c1", Token), "deals", Token);
        await h.TriggerAsync(sync, Token);
        var running = await h.ClaimOneAsync(Token);

        var followUp = Assert.Single(await h.TriggerAsync(sync, Token));
        var again = Assert.Single(await h.TriggerAsync(sync, Token));

        Assert.Equal(TriggerOutcomes.Queued, followUp.Outcome);
        Assert.NotEqual(running.RunId, followUp.RunId);
        Assert.Equal(TriggerOutcomes.Coalesced, again.Outcome);
        Assert.Empty(await h.Runs.ClaimAsync("other", 10, h.Now, 30_000_000, Token));

        Assert.True(await h.CompleteAsync(new RunCompletion(new RunFence(running.RunId, running.LeaseToken), sync.Id, true, "{}", null, h.Now, h.Now), Token));
        var next = await h.ClaimOneAsync(Token);
        Assert.Equal(followUp.RunId, next.RunId);
    }

    /// <summary>Two syncs of one connection, each with a run triggered and claimed: what the completion tests complete.</summary>
    private static async Task<(SyncRow Deals, ClaimedRun DealsRun, SyncRow Contacts, ClaimedRun ContactsRun)> ClaimDealsAndContactsAsync(StoreHarness h, Connection connection)
    {
        var deals = await h.SyncAsync(connection, "deals", Token);
        var contacts = await h.SyncAsync(connection, "contacts", Token);
        await h.TriggerAsync(deals, Token);
        var dealsRun = await h.ClaimOneAsync(Token);
        await h.TriggerAsync(contacts, Token);
        var contactsRun = await h.ClaimOneAsync(Token);
        return (deals, dealsRun, contacts, contactsRun);
    }

    [Fact]
    public async Task CompleteMany_WritesEachRunWhoseLeaseHolds_InOneCall_AndNothingForAStaleOne()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var (deals, dealsRun, contacts, contactsRun) = await ClaimDealsAndContactsAsync(h, connection);

        var completed = await h.Runs.CompleteManyAsync(
            [
                new RunCompletion(new RunFence(dealsRun.RunId, dealsRun.LeaseToken), deals.Id, true, """{"n":1}""", null, h.Now, 1_700_000_000_000_000),
                new RunCompletion(new RunFence(contactsRun.RunId, contactsRun.LeaseToken + 1), contacts.Id, true, "{}", null, h.Now, 1_700_000_000_000_000),
                new RunCompletion(new RunFence(contactsRun.RunId, contactsRun.LeaseToken), contacts.Id, false, null, "boom", h.Now, null),
            ],
            Token);

        Assert.Equal([true, false, true], completed);
        var dealsRow = (await h.History.GetRunAsync(h.EnvironmentId, dealsRun.RunId, Token))!;
        Assert.Equal((RunState.Succeeded, """{"n":1}"""), (dealsRow.State, dealsRow.ResultJson));
        var contactsRow = (await h.History.GetRunAsync(h.EnvironmentId, contactsRun.RunId, Token))!;
        Assert.Equal((RunState.Failed, "boom"), (contactsRow.State, contactsRow.Error));
        Assert.Equal(1_700_000_000_000_000, (await h.SyncAsync(connection, "deals", Token)).LastSyncDate);

        // The stale completion wrote nothing: not the last sync date of a successful run it claimed to be.
        Assert.Null((await h.SyncAsync(connection, "contacts", Token)).LastSyncDate);
    }

    [Fact]
    public async Task CompleteMany_WritesTheRunsLastLogLinesInItsTransaction_AndNoneForAStaleCompletion()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var (deals, dealsRun, contacts, contactsRun) = await ClaimDealsAndContactsAsync(h, connection);
        var logs = new SqlRunLogStore(h.Database.Database);
        await logs.AppendAsync([new RunLogLine(dealsRun.RunId, h.Now, RunLogLevels.Info, RunLogSources.Engine, "written earlier")], Token);

        var completed = await h.Runs.CompleteManyAsync(
            [
                new RunCompletion(new RunFence(dealsRun.RunId, dealsRun.LeaseToken), deals.Id, true, "{}", null, h.Now, h.Now, null, [
                    new RunLogLine(dealsRun.RunId, h.Now, RunLogLevels.Info, RunLogSources.Engine, "Running"),
                    new RunLogLine(dealsRun.RunId, h.Now, RunLogLevels.Info, RunLogSources.Engine, "Succeeded: é"),
                ]),
                new RunCompletion(new RunFence(contactsRun.RunId, contactsRun.LeaseToken + 1), contacts.Id, true, "{}", null, h.Now, h.Now, null, [
                    new RunLogLine(contactsRun.RunId, h.Now, RunLogLevels.Info, RunLogSources.Engine, "stale"),
                ]),
            ],
            Token);

        Assert.Equal([true, false], completed);
        Assert.Equal(["written earlier", "Running", "Succeeded: é"], (await logs.ReadAsync(dealsRun.RunId, 0, 10, Token)).Select(l => l.Message));
        Assert.Equal(new RunLogUsage(3, "written earlier".Length + "Running".Length + "Succeeded: é".Length + 1), await logs.GetUsageAsync(dealsRun.RunId, Token));
        Assert.Empty(await logs.ReadAsync(contactsRun.RunId, 0, 10, Token));
    }

    /// <summary>
    /// The connection broke during the commit, so the completions are tried again: a success or a failure already
    /// committed is answered as completed (its run must not be reported as having lost its lease), and its log lines
    /// and last sync date are not written twice. Anything else that finds the run finished is still refused.
    /// </summary>
    [Fact]
    public async Task CompleteMany_ACompletionTriedAgainAfterItCommitted_IsCompleted_AndWritesNothingTwice()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var (deals, dealsRun, contacts, contactsRun) = await ClaimDealsAndContactsAsync(h, connection);
        var logs = new SqlRunLogStore(h.Database.Database);
        var dealsFence = new RunFence(dealsRun.RunId, dealsRun.LeaseToken);
        var success = new RunCompletion(dealsFence, deals.Id, true, "{}", null, h.Now, 1_700_000_000_000_000, null, [
            new RunLogLine(dealsRun.RunId, h.Now, RunLogLevels.Info, RunLogSources.Engine, "Succeeded"),
        ]);
        var failure = new RunCompletion(new RunFence(contactsRun.RunId, contactsRun.LeaseToken), contacts.Id, false, null, "boom", h.Now, null, null, [
            new RunLogLine(contactsRun.RunId, h.Now, RunLogLevels.Info, RunLogSources.Engine, "Failed: boom"),
        ]);
        Assert.Equal([true, true], await h.Runs.CompleteManyAsync([success, failure], Token));
        await h.ExecuteSqlAsync($"UPDATE syncs SET last_sync_date = 42 WHERE id = '{deals.Id}'");

        var again = await h.Runs.CompleteManyAsync(
            [
                success,
                success with { Now = h.Now + 1 },
                success with { Fence = dealsFence with { LeaseToken = dealsFence.LeaseToken + 1 } },
                failure,
                failure with { Error = "The run's lease expired." },
                failure with { Now = h.Now + 1 },
            ],
            Token);

        // The same success and the same failure are recognised; the same run ended at another time, under another lease or
        // with another error (as the reaper ends a run) is not this completion, and is refused as a lost lease.
        Assert.Equal([true, false, false, true, false, false], again);
        Assert.Equal(["Succeeded"], (await logs.ReadAsync(dealsRun.RunId, 0, 10, Token)).Select(l => l.Message));
        Assert.Equal(["Failed: boom"], (await logs.ReadAsync(contactsRun.RunId, 0, 10, Token)).Select(l => l.Message));
        Assert.Equal(42, (await h.SyncAsync(connection, "deals", Token)).LastSyncDate);
    }

    [Fact]
    public async Task Claim_IsAFirstClaimOnlyOnTheRunsFirstClaim_NotAfterAHandBackGaveItsAttemptBack()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var sync = await h.SyncAsync(await h.CreateConnectionAsync("c1", Token), "deals", Token);
        await h.TriggerAsync(sync, Token);

        var first = await h.ClaimOneAsync(Token);
        await h.Runs.ReleaseAsync(new RunFence(first.RunId, first.LeaseToken), h.Now, Token);
        var again = await h.ClaimOneAsync(Token);

        Assert.True(first.IsFirstClaim);
        Assert.Equal((first.RunId, 1, 1), (again.RunId, first.Attempt, again.Attempt));
        Assert.False(again.IsFirstClaim);
    }

    [Fact]
    public async Task ApplyTrigger_WithReset_CancelsRunningRunClearsExactCheckpointAndLastSyncDate()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);
        var running = await h.ClaimOneAsync(Token);
        var fence = new RunFence(running.RunId, running.LeaseToken);
        await h.Checkpoints.SaveAsync(fence, connection.Id, "sync:deals:base", new() { ["page"] = 3 }, null, h.Now, Token);
        await h.Checkpoints.SaveAsync(fence, connection.Id, "sync:deals:base:trackDeletes:Deal", new() { ["job"] = 1 }, null, h.Now, Token);
        await h.Checkpoints.SaveAsync(fence, connection.Id, "sync:deals:base2", new() { ["page"] = 9 }, null, h.Now, Token);
        await h.Checkpoints.SaveAsync(fence, connection.Id, "sync:deals_base", new() { ["page"] = 7 }, null, h.Now, Token);

        var outcome = Assert.Single(await h.TriggerAsync(sync, Token, reset: true));

        Assert.Equal(TriggerOutcomes.Restarted, outcome.Outcome);
        Assert.Equal(running.RunId, outcome.StoppedRunId);
        Assert.NotEqual(running.RunId, outcome.RunId);
        Assert.Null(await h.Checkpoints.GetAsync(connection.Id, "sync:deals:base", Token));
        Assert.Null(await h.Checkpoints.GetAsync(connection.Id, "sync:deals:base:trackDeletes:Deal", Token));
        Assert.NotNull(await h.Checkpoints.GetAsync(connection.Id, "sync:deals:base2", Token));
        Assert.NotNull(await h.Checkpoints.GetAsync(connection.Id, "sync:deals_base", Token));
        Assert.False(await h.Runs.HeartbeatAsync(running.RunId, running.LeaseToken, h.Now, 30_000_000, Token));
        var old = await h.History.GetRunAsync(h.EnvironmentId, running.RunId, Token);
        Assert.Equal(RunState.Cancelled, old!.State);
        Assert.Null((await h.SyncAsync(connection, "deals", Token)).LastSyncDate);
    }

    [Fact]
    public async Task Reap_AfterLeaseExpiry_RequeuesAndTheStaleLeaseCanNoLongerWrite()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);
        var stale = await h.ClaimOneAsync(0, Token);

        h.Time.Advance(TimeSpan.FromSeconds(31));
        var requeued = await h.Runs.ReapExpiredAsync(h.Now, 100, Token);
        var fresh = await h.ClaimOneAsync(Token);

        Assert.Equal([stale.RunId], requeued);
        Assert.Equal(stale.RunId, fresh.RunId);
        Assert.Equal(2, fresh.Attempt);
        Assert.True(fresh.LeaseToken > stale.LeaseToken);
        var staleFence = new RunFence(stale.RunId, stale.LeaseToken);
        var write = new RecordWrite(staleFence, connection.Id, "Deal", h.Now, _ => "{}");
        await Assert.ThrowsAsync<Tributary.Sdk.LeaseLostException>(() =>
            h.Records.UpsertAsync(write, [new PreparedRecord("d1", "{\"id\":\"d1\"}", "h1")], Token));
        await Assert.ThrowsAsync<Tributary.Sdk.LeaseLostException>(() =>
            h.Checkpoints.SaveAsync(staleFence, connection.Id, "sync:deals:base", new() { ["page"] = 1 }, null, h.Now, Token));
        Assert.False(await h.CompleteAsync(new RunCompletion(staleFence, sync.Id, true, "{}", null, h.Now, h.Now), Token));
        Assert.Empty((await h.Records.ReadPageAsync(new RecordPageQuery(connection.Id, "Deal", null, null, RecordFilter.None, [], 10), Token)).Records);
    }

    [Fact]
    public async Task Claim_TwoWorkersRacing_ClaimEachRunOnce()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var syncs = new List<SyncRow>();
        for (var i = 0; i < 20; i++)
        {
            syncs.Add(await h.SyncAsync(await h.CreateConnectionAsync($"c{i}", Token), "deals", Token));
        }

        await h.Runs.ApplyTriggerAsync(syncs, new TriggerRequest(false, false, "test", "batch", h.Now), Token);
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => h.Runs.ClaimAsync($"w{w}", 5, h.Now, 30_000_000, Token)));

        var ids = claims.SelectMany(c => c).Select(c => c.RunId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.True(ids.Count <= 20);
    }

    [Fact]
    public async Task EnqueueDue_QueuesStartedSchedulesOnceAndMovesThemToTheNextGridPoint()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var created = h.Now;

        Assert.Equal(1, await h.Runs.EnqueueDueAsync(h.Now, 100, Token));
        Assert.Equal(0, await h.Runs.EnqueueDueAsync(h.Now, 100, Token));

        var contacts = await h.SyncAsync(connection, "contacts", Token);
        Assert.Equal(created + 3_600_000_000L, contacts.NextDueAt);
        var runs = await h.History.ListRunsAsync(h.EnvironmentId, new RunFilter(null, null, null, null, null, null, null, 10), Token);
        var run = Assert.Single(runs);
        Assert.Equal("contacts", run.SyncName);
        Assert.Equal(TriggerSources.Schedule, run.TriggerSource);

        // Three hours of outage: one run, and the next slot is on the original grid.
        h.Time.Advance(TimeSpan.FromHours(3.5));
        var claimed = await h.ClaimOneAsync(Token);
        await h.CompleteAsync(new RunCompletion(new RunFence(claimed.RunId, claimed.LeaseToken), contacts.Id, true, "{}", null, h.Now, h.Now), Token);
        Assert.Equal(1, await h.Runs.EnqueueDueAsync(h.Now, 100, Token));
        Assert.Equal(created + (4 * 3_600_000_000L), (await h.SyncAsync(connection, "contacts", Token)).NextDueAt);
    }

    [Fact]
    public async Task SchedulerBatchCommit_WaitsForNoFlush_AndTheConnectionIsDurableAgainAfterIt()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var database = h.Database.Database;
        await using var connection = await database.OpenAsync(Token);

        // SQLite: synchronous NORMAL (1) for the batch, FULL (2) again after it, on the same pooled connection.
        // PostgreSQL: asynchronous commit inside the batch's transaction only.
        await using (await database.Dialect.RelaxCommitBeforeBeginAsync(connection, Token))
        {
            await using var transaction = await database.Dialect.BeginWriteAsync(connection, Token);
            await database.Dialect.RelaxCommitInTransactionAsync(connection, transaction, Token);
            Assert.Equal(Dialect == TestDialect.Postgres ? "off" : "1", await DurabilityAsync(connection, transaction));
            await transaction.CommitAsync(Token);
        }

        Assert.Equal(Dialect == TestDialect.Postgres ? "on" : "2", await DurabilityAsync(connection, null));

        // And the store's batch leaves every write connection as durable as before.
        await h.CreateConnectionAsync("c1", Token);
        Assert.Equal(1, await h.Runs.EnqueueDueAsync(h.Now, 100, Token));
        await using var writer = await database.OpenWriteAsync(WriteKind.Control, Token);
        Assert.Equal(Dialect == TestDialect.Postgres ? "on" : "2", await DurabilityAsync(writer.Connection, null));
    }

    [Fact]
    public async Task Claim_CommitsWithoutWaitingForTheDisk_OnSqliteOnly_AndLeavesItsConnectionDurable()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        await h.TriggerAsync(await h.SyncAsync(await h.CreateConnectionAsync("c1", Token), "deals", Token), Token);
        var database = h.Database.Database;
        if (Dialect == TestDialect.Postgres)
        {
            // A claim lost with the database would hand its lease token out twice (see the dialect): it stays durable.
            await using var connection = await database.OpenAsync(Token);
            await using (await database.Dialect.RelaxClaimCommitBeforeBeginAsync(connection, Token))
            {
                await using var transaction = await database.Dialect.BeginWriteAsync(connection, Token);
                Assert.Equal("on", await DurabilityAsync(connection, transaction));
            }

            await h.ClaimOneAsync(Token);
            return;
        }

        // Every native connection the pool can hand the claim reports the statements it runs.
        var statements = new ConcurrentQueue<(int Handle, string Sql)>();
        var opened = new List<DbConnection>();
        for (var i = 0; i < 16; i++)
        {
            opened.Add(await database.OpenAsync(Token));
        }

        var handles = opened.Select(c => ((SqliteConnection)c).Handle!).ToList();
        for (var i = 0; i < handles.Count; i++)
        {
            var index = i;
            SQLitePCL.raw.sqlite3_trace(handles[i], (_, sql) => statements.Enqueue((index, sql.utf8_to_string().Trim())), null);
        }

        foreach (var connection in opened)
        {
            await connection.DisposeAsync();
        }

        try
        {
            await h.ClaimOneAsync(Token);
        }
        finally
        {
            foreach (var handle in handles)
            {
                SQLitePCL.raw.sqlite3_trace(handle, (SQLitePCL.strdelegate_trace?)null, null);
            }
        }

        // SQLite: NORMAL for the claim's transaction only, FULL again before the connection goes back to the pool.
        var claim = Assert.Single(statements, s => s.Sql.StartsWith("UPDATE runs SET state = 'running'", StringComparison.Ordinal));
        Assert.Equal(
            ["PRAGMA synchronous=NORMAL", "BEGIN IMMEDIATE;", claim.Sql, "COMMIT;", "PRAGMA synchronous=FULL"],
            statements.Where(s => s.Handle == claim.Handle).Select(s => s.Sql));
        await using var reopened = await database.OpenAsync(Token);
        Assert.Equal("2", await DurabilityAsync(reopened, null));
    }

    private async Task<string> DurabilityAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction)
    {
        await using var command = connection.Command(Dialect == TestDialect.Postgres ? "SHOW synchronous_commit" : "PRAGMA synchronous", transaction);
        return Convert.ToString(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture)!;
    }

    [Fact]
    public async Task Reap_AttemptsThatSavedSomething_DoNotCountTowardThePoisonLimit()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);

        // Twice the old limit of 5 attempts, each crashing after a committed checkpoint.
        for (var i = 1; i <= 2 * SqlRunQueueStore.MaxStalledAttempts; i++)
        {
            var run = await h.ClaimOneAsync(0, Token);
            Assert.Equal(i, run.Attempt);
            await h.Checkpoints.SaveAsync(new RunFence(run.RunId, run.LeaseToken), connection.Id, $"sync:deals:base:{i}", new JsonObject { ["page"] = i }, null, h.Now, Token);
            h.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal([run.RunId], await h.Runs.ReapExpiredAsync(h.Now, 100, Token));
        }
    }

    [Fact]
    public async Task Reap_AttemptsThatOnlySavedRecordBatches_NeverFailTheRun()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);

        // Each records batch counts as the attempt's progress, committed with the batch: these attempts never stall.
        for (var i = 1; i <= 2 * SqlRunQueueStore.MaxStalledAttempts; i++)
        {
            var run = await h.ClaimOneAsync(0, Token);
            Assert.Equal(i, run.Attempt);
            await h.Records.UpsertAsync(
                new RecordWrite(new RunFence(run.RunId, run.LeaseToken), connection.Id, "Deal", h.Now, _ => "{}"),
                [new PreparedRecord($"d{i}", $"{{\"id\":\"d{i}\"}}", $"h{i}")],
                Token);
            h.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal([run.RunId], await h.Runs.ReapExpiredAsync(h.Now, 100, Token));
        }
    }

    [Fact]
    public async Task Reap_AttemptsThatSavedNothing_FailTheRunAtTheLimit()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);

        // One attempt with progress first; the stalls are counted in a row after it.
        var progressed = await h.ClaimOneAsync(0, Token);
        await h.Checkpoints.SaveAsync(new RunFence(progressed.RunId, progressed.LeaseToken), connection.Id, "sync:deals:base", new JsonObject { ["page"] = 1 }, null, h.Now, Token);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([progressed.RunId], await h.Runs.ReapExpiredAsync(h.Now, 100, Token));

        long runId = 0;
        for (var i = 1; i <= SqlRunQueueStore.MaxStalledAttempts; i++)
        {
            runId = (await h.ClaimOneAsync(0, Token)).RunId;
            h.Time.Advance(TimeSpan.FromSeconds(1));
            var requeued = await h.Runs.ReapExpiredAsync(h.Now, 100, Token);
            Assert.Equal(i < SqlRunQueueStore.MaxStalledAttempts ? [runId] : [], requeued);
        }

        var run = await h.History.GetRunAsync(h.EnvironmentId, runId, Token);
        Assert.Equal(RunState.Failed, run!.State);
        Assert.Contains("saved nothing", run.Error, StringComparison.Ordinal);
        Assert.Equal(1 + SqlRunQueueStore.MaxStalledAttempts, run.Attempt);
        Assert.Empty(await h.Runs.ClaimAsync("w", 1, h.Now, 30_000_000, Token));
    }

    [Fact]
    public async Task Lease_IsTimedByTheDatabaseClockOnPostgres_AndByTheCallerOnSqlite()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);
        var run = await h.ClaimOneAsync(60_000_000, Token);

        // A reaper whose clock runs a day ahead of the worker's (the worker's is the fake clock).
        var skewed = h.Now + 86_400_000_000;
        var requeued = await h.Runs.ReapExpiredAsync(skewed, 100, Token);

        if (Dialect == TestDialect.Postgres)
        {
            Assert.Empty(requeued);
            Assert.True(await h.Runs.HeartbeatAsync(run.RunId, run.LeaseToken, h.Now - 86_400_000_000, 60_000_000, Token));
            Assert.Empty(await h.Runs.ReapExpiredAsync(skewed, 100, Token));
        }
        else
        {
            // One host: the process clock is the lease clock.
            Assert.Equal([run.RunId], requeued);
        }
    }

    [Fact]
    public async Task Reap_WhileATriggerQueuesAFollowUp_FailsThatRunOnly_AndRequeuesTheOthers()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var a = await h.SyncAsync(await h.CreateConnectionAsync("a", Token), "deals", Token);
        var b = await h.SyncAsync(await h.CreateConnectionAsync("b", Token), "deals", Token);
        await h.Runs.ApplyTriggerAsync([a, b], new TriggerRequest(false, false, "test", null, h.Now), Token);
        var runA = await h.ClaimOneAsync(0, Token);
        var runB = await h.ClaimOneAsync(0, Token);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        // The trigger's transaction has inserted the follow-up and not committed yet when the reaper runs.
        var database = h.Database.Database;
        await using var trigger = await database.OpenAsync(Token);
        await using var transaction = await database.Dialect.BeginWriteAsync(trigger, Token);
        await using (var insert = trigger.Command($"""
            INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, attempt, lease_token, queued_at)
            VALUES (@sync, '{SqlStates.Queued}', 'api', 'test', 0, 0, 0, 0, 0, @now)
            """, transaction).With("sync", runA.SyncId).With("now", h.Now))
        {
            await insert.ExecuteNonQueryAsync(Token);
        }

        var reap = Task.Run(() => h.Runs.ReapExpiredAsync(h.Now, 100, Token), Token);
        if (Dialect == TestDialect.Postgres)
        {
            // Deterministic: the reaper's re-queue is waiting on the follow-up's index entry before we commit.
            await WaitForALockWaitAsync(database, "stalled_attempts", "the reaper to wait on the follow-up's index entry");
        }

        // On SQLite the reaper waits for the trigger's write lock: it then sees the follow-up in its one statement.
        await transaction.CommitAsync(Token);
        var requeued = await reap;

        Assert.Equal([runB.RunId], requeued);
        var endedA = await h.History.GetRunAsync(h.EnvironmentId, runA.RunId, Token);
        Assert.Equal(RunState.Failed, endedA!.State);
        Assert.Contains("queued run of the same sync takes over", endedA.Error, StringComparison.Ordinal);
        var next = await h.Runs.ClaimAsync("w", 10, h.Now, 30_000_000, Token);
        Assert.Equal(2, next.Count);
        Assert.Contains(next, r => r.RunId == runB.RunId);
        Assert.Contains(next, r => r.SyncId == runA.SyncId && r.RunId != runA.RunId);
    }

    [Fact]
    public async Task ExpireLeases_OfADeadOwner_LetsTheReaperTakeItsRunsAtOnce()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var sync = await h.SyncAsync(await h.CreateConnectionAsync("c1", Token), "deals", Token);
        await h.TriggerAsync(sync, Token);
        var run = await h.ClaimOneAsync(Token);

        Assert.Equal(["test-worker"], await h.Runs.LeaseOwnersAsync(Token));
        Assert.Empty(await h.Runs.ReapExpiredAsync(h.Now, 100, Token));
        Assert.Equal(0, await h.Runs.ExpireLeasesAsync(["someone-else"], Token));
        Assert.Equal(1, await h.Runs.ExpireLeasesAsync(["test-worker"], Token));
        Assert.Equal([run.RunId], await h.Runs.ReapExpiredAsync(h.Now, 100, Token));
        Assert.Equal(Dialect == TestDialect.Sqlite, h.Runs.LeaseOwnersShareThisHost);
    }
}

public sealed class SqliteRunQueueStoreTests : RunQueueStoreContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresRunQueueStoreTests : RunQueueStoreContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;

    /// <summary>
    /// Another writer locks sync A and then queues a run of sync B while a trigger of [B, A] has queued B's and waits
    /// for A's row: each waits for the other. PostgreSQL aborts the trigger (the first to wait) to break the deadlock,
    /// and the trigger runs its transaction again instead of failing: it coalesces into the other's run of B.
    /// </summary>
    [Fact]
    public async Task ATriggerAbortedToBreakADeadlock_RunsAgain_AndQueuesItsRuns()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var a = await h.SyncAsync(await h.CreateConnectionAsync("a", Token), "deals", Token);
        var b = await h.SyncAsync(await h.CreateConnectionAsync("b", Token), "deals", Token);
        var database = h.Database.Database;
        await using var other = await database.OpenAsync(Token);
        await using var transaction = await database.Dialect.BeginWriteAsync(other, Token);
        await using (var lockA = other.Command("SELECT 1 FROM syncs WHERE id = @id FOR UPDATE", transaction).With("id", a.Id))
        {
            await lockA.ExecuteNonQueryAsync(Token);
        }

        var trigger = Task.Run(() => h.Runs.ApplyTriggerAsync([b, a], new TriggerRequest(false, false, "test", null, h.Now), Token), Token);
        await WaitForALockWaitAsync(database, "INSERT INTO runs", "the trigger to wait for sync A's row");
        await using (var queueB = other.Command($"""
            INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, attempt, lease_token, queued_at)
            VALUES (@sync, '{SqlStates.Queued}', 'api', 'other', 0, 0, 0, 0, 0, @now)
            """, transaction).With("sync", b.Id).With("now", h.Now))
        {
            await queueB.ExecuteNonQueryAsync(Token);
        }

        await transaction.CommitAsync(Token);
        var outcomes = await trigger;

        Assert.Equal(2, outcomes.Count);
        Assert.Equal(TriggerOutcomes.Coalesced, outcomes.Single(o => o.SyncId == b.Id).Outcome);
        Assert.Equal(TriggerOutcomes.Queued, outcomes.Single(o => o.SyncId == a.Id).Outcome);
    }
}
