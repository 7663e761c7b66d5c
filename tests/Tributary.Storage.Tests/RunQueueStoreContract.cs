using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>The run queue's rules (<see cref="IRunQueueStore"/>), proven on both databases.</summary>
public abstract class RunQueueStoreContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

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

    [Fact]
    public async Task CompleteMany_WritesEachRunWhoseLeaseHolds_InOneCall_AndNothingForAStaleOne()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var deals = await h.SyncAsync(connection, "deals", Token);
        var contacts = await h.SyncAsync(connection, "contacts", Token);
        await h.TriggerAsync(deals, Token);
        var dealsRun = await h.ClaimOneAsync(Token);
        await h.TriggerAsync(contacts, Token);
        var contactsRun = await h.ClaimOneAsync(Token);

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
        Assert.Null(await h.Checkpoints.GetAsync(connection.Id, "sync:deals:base", Token));
        Assert.Null(await h.Checkpoints.GetAsync(connection.Id, "sync:deals:base:trackDeletes:Deal", Token));
        Assert.NotNull(await h.Checkpoints.GetAsync(connection.Id, "sync:deals:base2", Token));
        Assert.NotNull(await h.Checkpoints.GetAsync(connection.Id, "sync:deals_base", Token));
        Assert.False(await h.Runs.HeartbeatAsync(running.RunId, running.LeaseToken, h.Now + 1, Token));
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
        var stale = await h.ClaimOneAsync(Token);

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
}

public sealed class SqliteRunQueueStoreTests : RunQueueStoreContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresRunQueueStoreTests : RunQueueStoreContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
