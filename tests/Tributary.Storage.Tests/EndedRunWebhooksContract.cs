using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// Runs ended outside their worker report their failure through the outbox, in the transaction that ends them: a run
/// cancelled while running (<see cref="IRunHistoryStore.CancelRunAsync"/>) and a run the reaper gives up on.
/// </summary>
public abstract class EndedRunWebhooksContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cancel_OfARunningRun_WritesItsFailureWebhook_AndNoneForAQueuedRunOrAFinishedOne()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var webhooks = new RecordingWebhooks();
        var history = new SqlRunHistoryStore(h.Database.Database, webhooks);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var contacts = await h.SyncAsync(connection, "contacts", Token);
        var deals = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(contacts, Token);
        var running = await h.ClaimOneAsync(Token);
        var queued = Assert.Single(await h.TriggerAsync(deals, Token));

        // WasRunning: only the cancel that moved the run from running says so (the caller stops that run in-process).
        var first = await history.CancelRunAsync(h.EnvironmentId, running.RunId, "Cancelled through the API", h.Now, Token);
        Assert.Equal((RunState.Cancelled, true), (first!.Run.State, first.WasRunning));
        var ofQueued = await history.CancelRunAsync(h.EnvironmentId, queued.RunId, "Cancelled through the API", h.Now, Token);
        Assert.Equal((RunState.Cancelled, false), (ofQueued!.Run.State, ofQueued.WasRunning));
        var again = await history.CancelRunAsync(h.EnvironmentId, running.RunId, "again", h.Now, Token);
        Assert.Equal((RunState.Cancelled, false), (again!.Run.State, again.WasRunning));

        var ended = Assert.Single(webhooks.Runs);
        Assert.Equal((running.RunId, "Cancelled through the API", "c1", "demo", "contacts"), (ended.RunId, ended.Error, ended.ConnectionId, ended.ProviderConfigKey, ended.SyncName));
        Assert.Equal(["Contact", "Company"], ended.Models);
        Assert.Equal(1, webhooks.Commits);
        var row = Assert.Single(await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, null, null, 10), Token));
        Assert.Equal((running.RunId, WebhookEvents.SyncError, DeliveryStates.Pending), (row.RunId, row.Event, row.State));
    }

    [Fact]
    public async Task Reap_ThatFailsARun_WritesItsFailureWebhook_AndNoneForARequeuedRun()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var webhooks = new RecordingWebhooks();
        var runs = new SqlRunQueueStore(h.Database.Database, webhooks);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);

        long runId = 0;
        for (var i = 1; i <= SqlRunQueueStore.MaxStalledAttempts; i++)
        {
            runId = (await h.ClaimOneAsync(0, Token)).RunId;
            h.Time.Advance(TimeSpan.FromSeconds(1));
            await runs.ReapExpiredAsync(h.Now, 100, Token);
            Assert.Equal(i < SqlRunQueueStore.MaxStalledAttempts ? 0 : 1, webhooks.Runs.Count);
        }

        var ended = Assert.Single(webhooks.Runs);
        Assert.Equal(runId, ended.RunId);
        Assert.Contains("saved nothing", ended.Error, StringComparison.Ordinal);
        var row = Assert.Single(await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, runId, null, null, 10), Token));
        Assert.Equal(WebhookEvents.SyncError, row.Event);
        Assert.Equal(1, webhooks.Commits);
    }

    [Fact]
    public async Task Release_WhileAFollowUpIsQueued_FailsTheRunWithItsWebhook_AndABackToTheQueueWritesNone()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var webhooks = new RecordingWebhooks();
        var runs = new SqlRunQueueStore(h.Database.Database, webhooks);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await h.TriggerAsync(await h.SyncAsync(connection, "contacts", Token), Token);
        var alone = await h.ClaimOneAsync(Token);
        var deals = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(deals, Token);
        var followed = await h.ClaimOneAsync(Token);
        var followUp = Assert.Single(await h.TriggerAsync(deals, Token));

        await runs.ReleaseAsync(new RunFence(alone.RunId, alone.LeaseToken), h.Now, Token);
        await runs.ReleaseAsync(new RunFence(followed.RunId, followed.LeaseToken), h.Now, Token);

        var ended = Assert.Single(webhooks.Runs);
        Assert.Equal(followed.RunId, ended.RunId);
        Assert.Contains("Interrupted by a worker shutdown", ended.Error, StringComparison.Ordinal);
        Assert.Equal(1, webhooks.Commits);
        var row = Assert.Single(await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, null, null, 10), Token));
        Assert.Equal((followed.RunId, WebhookEvents.SyncError), (row.RunId, row.Event));
        Assert.NotEqual(followUp.RunId, followed.RunId);
    }

    [Fact]
    public async Task Cancel_WithoutAUrl_WritesNothing()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var webhooks = new RecordingWebhooks { Url = null };
        var history = new SqlRunHistoryStore(h.Database.Database, webhooks);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);
        var running = await h.ClaimOneAsync(Token);

        await history.CancelRunAsync(h.EnvironmentId, running.RunId, "Cancelled through the API", h.Now, Token);

        Assert.Single(webhooks.Runs);
        Assert.Equal(0, webhooks.Commits);
        Assert.Empty(await new SqlWebhookDeliveryStore(h.Database.Database).ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, null, null, 10), Token));
    }

    private sealed class RecordingWebhooks : IEndedRunWebhooks
    {
        public List<EndedRun> Runs { get; } = [];

        public int Commits { get; private set; }

        public string? Url { get; init; } = "http://127.0.0.1:9/hook";

        public Task<IReadOnlyList<OutboxWebhook>> FailedAsync(EndedRun run, long now, CancellationToken cancellationToken)
        {
            Runs.Add(run);
            IReadOnlyList<OutboxWebhook> rows = Url is null
                ? []
                : [new OutboxWebhook(run.EnvironmentId, run.ConnectionRowId, run.ConnectionId, run.ProviderConfigKey, WebhookEvents.SyncError, Url, "{}")];
            return Task.FromResult(rows);
        }

        public void Committed() => Commits++;
    }
}

public sealed class SqliteEndedRunWebhooksTests : EndedRunWebhooksContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresEndedRunWebhooksTests : EndedRunWebhooksContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
