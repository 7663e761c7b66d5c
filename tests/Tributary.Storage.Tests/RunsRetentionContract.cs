using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>Runs retention (<see cref="IRunHistoryStore.DeleteFinishedRunsAsync"/> and the job), on both databases.</summary>
public abstract class RunsRetentionContract
{
    private static readonly long Day = 86_400_000_000L;

    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeleteFinishedRuns_DeletesExpiredRunsInBatches_NeverALatestStartedRunNorAQueuedOrRunningOne()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var deals = await h.SyncAsync(connection, "deals", Token);
        var contacts = await h.SyncAsync(connection, "contacts", Token);
        var oldest = await FinishAsync(h, deals, h.Now - (40 * Day), Token);
        var older = await FinishAsync(h, deals, h.Now - (35 * Day), Token);
        var recent = await FinishAsync(h, deals, h.Now - (1 * Day), Token);
        var onlyContactsRun = await FinishAsync(h, contacts, h.Now - (40 * Day), Token);
        await h.TriggerAsync(contacts, Token); // queued: not a started run, so the old one stays the latest

        var before = h.Now - (30 * Day);
        var first = await h.History.DeleteFinishedRunsAsync(before, 1, Token);
        Assert.Null(await h.History.GetRunAsync(h.EnvironmentId, oldest, Token));
        Assert.NotNull(await h.History.GetRunAsync(h.EnvironmentId, older, Token));
        var second = await h.History.DeleteFinishedRunsAsync(before, 10, Token);
        var third = await h.History.DeleteFinishedRunsAsync(before, 10, Token);

        Assert.Equal((1, 1, 0), (first, second, third));
        Assert.Null(await h.History.GetRunAsync(h.EnvironmentId, older, Token));
        Assert.NotNull(await h.History.GetRunAsync(h.EnvironmentId, recent, Token));
        Assert.NotNull(await h.History.GetRunAsync(h.EnvironmentId, onlyContactsRun, Token));
        var latest = await h.History.LatestRunsAsync([deals.Id, contacts.Id], Token);
        Assert.Equal((recent, onlyContactsRun), (latest[deals.Id].Id, latest[contacts.Id].Id));
        Assert.Single(await h.History.ListRunsAsync(h.EnvironmentId, new RunFilter(null, null, "contacts", null, RunState.Queued.ToApiName(), null, null, 10), Token));
    }

    [Fact]
    public async Task RunsRetention_RunOnce_KeepsTheConfiguredDays_AndZeroDaysKeepsEverything()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deals = await h.SyncAsync(await h.CreateConnectionAsync("c1", Token), "deals", Token);
        for (var age = 20; age >= 2; age -= 2)
        {
            await FinishAsync(h, deals, h.Now - (age * Day), Token);
        }

        var forever = new RunsRetention(h.History, RunsRetentionOptions.FromDays(0), h.Time, NullLogger<RunsRetention>.Instance);
        var week = new RunsRetention(h.History, RunsRetentionOptions.FromDays(7) with { BatchSize = 2 }, h.Time, NullLogger<RunsRetention>.Instance);

        Assert.Equal(0, await forever.RunOnceAsync(Token));
        Assert.Equal(7, await week.RunOnceAsync(Token)); // 20..8 days old, in batches of 2
        Assert.Equal(3, (await h.History.ListRunsAsync(h.EnvironmentId, new RunFilter(null, null, null, null, null, null, null, 100), Token)).Count);
    }

    private static async Task<long> FinishAsync(StoreHarness h, SyncRow sync, long finishedAt, CancellationToken cancellationToken)
    {
        await h.TriggerAsync(sync, cancellationToken);
        var claimed = await h.ClaimOneAsync(cancellationToken);
        Assert.True(await h.CompleteAsync(new RunCompletion(new RunFence(claimed.RunId, claimed.LeaseToken), sync.Id, true, "{}", null, finishedAt, finishedAt), cancellationToken));
        return claimed.RunId;
    }
}

public sealed class SqliteRunsRetentionTests : RunsRetentionContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresRunsRetentionTests : RunsRetentionContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
