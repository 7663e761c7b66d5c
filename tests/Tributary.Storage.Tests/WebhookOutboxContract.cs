using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// The webhook outbox (<see cref="IWebhookDeliveryStore"/>, and its rows written by <see cref="IRunQueueStore.CompleteManyAsync"/>)
/// and the webhook settings (<see cref="IWebhookStore"/>), proven on both databases.
/// </summary>
public abstract class WebhookOutboxContract
{
    private const long Lease = 600_000_000;

    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Completion_WritesItsWebhooksInItsTransaction_AndNoneWhenTheFenceRefusesIt()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var deals = await h.SyncAsync(connection, "deals", Token);
        var contacts = await h.SyncAsync(connection, "contacts", Token);
        await h.TriggerAsync(deals, Token);
        var dealsRun = await h.ClaimOneAsync(Token);
        await h.TriggerAsync(contacts, Token);
        var contactsRun = await h.ClaimOneAsync(Token);

        var completed = await h.Runs.CompleteManyAsync(
            [
                new RunCompletion(new RunFence(dealsRun.RunId, dealsRun.LeaseToken), deals.Id, true, "{}", null, h.Now, h.Now, [Webhook(connection, "{\"a\":1}")]),
                new RunCompletion(new RunFence(contactsRun.RunId, contactsRun.LeaseToken + 1), contacts.Id, true, "{}", null, h.Now, h.Now, [Webhook(connection, "{\"stale\":1}")]),
            ],
            Token);

        Assert.Equal([true, false], completed);
        var rows = await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, null, null, 100), Token);
        var row = Assert.Single(rows);
        Assert.Equal((dealsRun.RunId, DeliveryStates.Pending, "c1"), (row.RunId, row.State, row.ConnectionId));
        Assert.Empty(await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, contactsRun.RunId, null, null, 100), Token));
    }

    [Fact]
    public async Task Claim_TakesOnlyTheOldestPendingDeliveryOfAConnectionAndUrl_UntilItIsDone()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var c1 = await h.CreateConnectionAsync("c1", Token);
        var c2 = await h.CreateConnectionAsync("c2", Token);
        await CompleteWithAsync(h, c1, "deals", [Webhook(c1, "1"), Webhook(c1, "2")]);
        await CompleteWithAsync(h, c2, "deals", [Webhook(c2, "3")]);

        var first = await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token);
        Assert.Equal(["1", "3"], first.Select(d => d.Body));
        Assert.Empty(await deliveries.ClaimAsync("w2", 10, h.Now, Lease, Token));

        // A retry scheduled later keeps the next one of its connection waiting: order over speed.
        Assert.Equal(DeliveryStates.Pending, await deliveries.MarkFailedAsync(first[0].Lease, first[0].WindowStartedAt, 500, "HTTP 500", h.Now + 60_000_000, Token));
        Assert.Empty(await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token));

        var retried = Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now + 61_000_000, Lease, Token));
        Assert.Equal(("1", 2), (retried.Body, retried.Lease.Attempt));
        Assert.False(await deliveries.MarkDeliveredAsync(first[0].Lease, 200, h.Now, Token));
        Assert.True(await deliveries.MarkDeliveredAsync(retried.Lease, 200, h.Now, Token));

        var next = Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now + 61_000_000, Lease, Token));
        Assert.Equal("2", next.Body);
    }

    [Fact]
    public async Task MarkFailed_WithoutANextAttempt_IsDead_AndRetryMakesItPendingAgain()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var c1 = await h.CreateConnectionAsync("c1", Token);
        await CompleteWithAsync(h, c1, "deals", [Webhook(c1, "1")]);
        var claimed = Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token));

        Assert.Equal(DeliveryStates.Dead, await deliveries.MarkFailedAsync(claimed.Lease, claimed.WindowStartedAt, null, "refused", null, Token));
        var dead = Assert.Single(await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(DeliveryStates.Dead, null, "c1", null, 10), Token));
        Assert.Equal((1, "refused", (long?)null), (dead.Attempts, dead.LastError, dead.NextAttemptAt));
        Assert.Empty(await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token));
        Assert.Null(await deliveries.RetryAsync(h.EnvironmentId + 1, dead.Id, h.Now, Token));

        var retried = await deliveries.RetryAsync(h.EnvironmentId, dead.Id, h.Now, Token);
        Assert.Equal((dead.Id, DeliveryStates.Pending, 1, (long?)h.Now), (retried!.Id, retried.State, retried.Attempts, retried.NextAttemptAt));
        var again = Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token));
        Assert.Equal((dead.Id, h.Now), (again.Lease.Id, again.WindowStartedAt));
    }

    /// <summary>
    /// A manual retry while an attempt is out, near the end of its window: the worker's verdict (dead, or a later
    /// backoff) was taken in the old window, so the delivery stays pending and due when the retry made it due.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MarkFailed_AfterAManualRetryOpenedANewWindow_LeavesItPendingAndDueAtTheRetrysTime(bool workerSaysDead)
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var c1 = await h.CreateConnectionAsync("c1", Token);
        await CompleteWithAsync(h, c1, "deals", [Webhook(c1, "1")]);
        var claimed = Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token));

        Assert.NotNull(await deliveries.RetryAsync(h.EnvironmentId, claimed.Lease.Id, h.Now + 5, Token));
        var written = await deliveries.MarkFailedAsync(
            claimed.Lease, claimed.WindowStartedAt, 500, "HTTP 500", workerSaysDead ? null : h.Now + 60_000_000, Token);

        Assert.Equal(DeliveryStates.Pending, written);
        var row = Assert.Single(await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, "c1", null, 10), Token));
        Assert.Equal((DeliveryStates.Pending, (long?)(h.Now + 5), "HTTP 500"), (row.State, row.NextAttemptAt, row.LastError));
        var again = Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now + 5, Lease, Token));
        Assert.Equal((claimed.Lease.Id, 2, h.Now + 5), (again.Lease.Id, again.Lease.Attempt, again.WindowStartedAt));
    }

    [Fact]
    public async Task ReleaseLeases_HandsBackOnlyTheNamedOwnersClaims_AtOnce()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var c1 = await h.CreateConnectionAsync("c1", Token);
        var c2 = await h.CreateConnectionAsync("c2", Token);
        await CompleteWithAsync(h, c1, "deals", [Webhook(c1, "1")]);
        await CompleteWithAsync(h, c2, "deals", [Webhook(c2, "2")]);
        var dead = Assert.Single(await deliveries.ClaimAsync("dead", 1, h.Now, Lease, Token));
        var live = Assert.Single(await deliveries.ClaimAsync("live", 1, h.Now, Lease, Token));

        Assert.Equal(["dead", "live"], (await deliveries.LeaseOwnersAsync(Token)).Order(StringComparer.Ordinal));
        Assert.Equal(0, await deliveries.ReleaseLeasesAsync([], Token));
        Assert.Equal(1, await deliveries.ReleaseLeasesAsync(["dead"], Token));

        // Due again now, long before its lease would have expired; the live owner keeps its claim.
        var again = Assert.Single(await deliveries.ClaimAsync("next", 10, h.Now, Lease, Token));
        Assert.Equal((dead.Lease.Id, 2), (again.Lease.Id, again.Lease.Attempt));
        Assert.False(await deliveries.MarkDeliveredAsync(dead.Lease, 200, h.Now, Token));
        Assert.True(await deliveries.MarkDeliveredAsync(live.Lease, 200, h.Now, Token));
        Assert.Equal(["next"], await deliveries.LeaseOwnersAsync(Token));
        Assert.Equal(Dialect == TestDialect.Sqlite, deliveries.LeaseOwnersShareThisHost);
    }

    [Fact]
    public async Task MarkDeliveredMany_RecordsABatchInOneWrite_ButNoDeliveryWhoseLeaseIsStale()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var c1 = await h.CreateConnectionAsync("c1", Token);
        var c2 = await h.CreateConnectionAsync("c2", Token);
        var c3 = await h.CreateConnectionAsync("c3", Token);
        await CompleteWithAsync(h, c1, "deals", [Webhook(c1, "1"), Webhook(c1, "1b")]);
        await CompleteWithAsync(h, c2, "deals", [Webhook(c2, "2")]);
        await CompleteWithAsync(h, c3, "deals", [Webhook(c3, "3")]);
        var claimed = await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token);
        Assert.Equal(["1", "2", "3"], claimed.Select(d => d.Body));

        // The third one's attempt is not the one claimed (as after a takeover): it is left out, the others are written.
        var stale = claimed[2].Lease with { Attempt = claimed[2].Lease.Attempt + 1 };
        var recorded = await deliveries.MarkDeliveredManyAsync(
            [new DeliveredAttempt(claimed[0].Lease, 200), new DeliveredAttempt(claimed[1].Lease, 204), new DeliveredAttempt(stale, 200)],
            h.Now + 5,
            Token);

        Assert.Equal([claimed[0].Lease.Id, claimed[1].Lease.Id], recorded.Order());
        var rows = await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, null, null, 10), Token);
        Assert.Equal((DeliveryStates.Delivered, 200, (long?)(h.Now + 5)), rows.Single(r => r.Id == claimed[0].Lease.Id) is var a ? (a.State, a.LastStatus, a.DeliveredAt) : default);
        Assert.Equal((DeliveryStates.Delivered, 204), rows.Single(r => r.Id == claimed[1].Lease.Id) is var b ? (b.State, b.LastStatus) : default);
        Assert.Equal(DeliveryStates.Pending, rows.Single(r => r.Id == claimed[2].Lease.Id).State);
        Assert.Empty(await deliveries.MarkDeliveredManyAsync([], h.Now, Token));

        // The first one's connection may go on now: its next delivery is claimable.
        Assert.Equal("1b", Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token)).Body);
    }

    [Fact]
    public async Task DeleteFinished_TakesOnlyDeliveredAndDeadOnesQueuedBeforeTheAge_OldestFirst_NeverAPendingOne()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        await OneDeliveryEachAsync(h, "delivered", "dead", "pending", "retried, then delivered");
        var claimed = (await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token)).ToDictionary(d => d.Body);
        Assert.Single(await deliveries.MarkDeliveredManyAsync([new DeliveredAttempt(claimed["delivered"].Lease, 200)], h.Now + 1, Token));
        Assert.Equal(DeliveryStates.Dead, await deliveries.MarkFailedAsync(claimed["dead"].Lease, h.Now, 500, "HTTP 500", null, Token));
        Assert.True(await deliveries.ReleaseAsync(claimed["pending"].Lease, Token));

        // Written with the others but retried by hand later: its new window is what its age counts from.
        Assert.Equal(DeliveryStates.Dead, await deliveries.MarkFailedAsync(claimed["retried, then delivered"].Lease, h.Now, 410, "HTTP 410", null, Token));
        var retried = await deliveries.RetryAsync(h.EnvironmentId, claimed["retried, then delivered"].Lease.Id, h.Now + 100, Token);
        var again = (await deliveries.ClaimAsync("w", 10, h.Now + 100, Lease, Token)).Single(d => d.Lease.Id == retried!.Id);
        Assert.True(await deliveries.MarkDeliveredAsync(again.Lease, 200, h.Now + 101, Token));

        // Older than h.Now + 50: the first two (one a batch, oldest first), never the pending one nor the one retried after.
        Assert.Equal(1, await deliveries.DeleteFinishedAsync(h.Now + 50, 1, Token));
        Assert.Equal(["c2", "c3", "c4"], await ConnectionsAsync(deliveries, h));
        Assert.Equal(1, await deliveries.DeleteFinishedAsync(h.Now + 50, 10, Token));
        Assert.Equal(0, await deliveries.DeleteFinishedAsync(h.Now + 50, 10, Token));
        Assert.Equal(["c3", "c4"], await ConnectionsAsync(deliveries, h));

        Assert.Equal(1, await deliveries.DeleteFinishedAsync(h.Now + 1_000, 10, Token));
        Assert.Equal(["c3"], await ConnectionsAsync(deliveries, h));
    }

    [Fact]
    public async Task Retention_RunOnce_DeletesTheDeliveriesFinishedAndOlderThanItsDays_AndZeroDaysKeepsEverything()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var old = await h.CreateConnectionAsync("old", Token);
        var recent = await h.CreateConnectionAsync("recent", Token);
        await CompleteWithAsync(h, old, "deals", [Webhook(old, "1")]);
        var first = Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token));
        Assert.True(await deliveries.MarkDeliveredAsync(first.Lease, 200, h.Now, Token));
        h.Time.Advance(TimeSpan.FromDays(31));
        await CompleteWithAsync(h, recent, "deals", [Webhook(recent, "2")]);
        var second = Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token));
        Assert.True(await deliveries.MarkDeliveredAsync(second.Lease, 200, h.Now, Token));

        var forever = new WebhookDeliveriesRetention(deliveries, WebhookOptions.Default.WithRetentionDays(0), h.Time, NullLogger<WebhookDeliveriesRetention>.Instance);
        var month = new WebhookDeliveriesRetention(deliveries, WebhookOptions.Default with { RetentionBatchSize = 1 }, h.Time, NullLogger<WebhookDeliveriesRetention>.Instance);

        Assert.Equal(0, await forever.RunOnceAsync(Token));
        Assert.Equal(["old", "recent"], await ConnectionsAsync(deliveries, h));
        Assert.Equal(1, await month.RunOnceAsync(Token));
        Assert.Equal(["recent"], await ConnectionsAsync(deliveries, h));
    }

    /// <summary>The connections of the deliveries left, oldest first (one delivery each here).</summary>
    private static async Task<IEnumerable<string>> ConnectionsAsync(SqlWebhookDeliveryStore deliveries, StoreHarness h) =>
        (await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, null, null, 10), Token)).OrderBy(d => d.Id).Select(d => d.ConnectionId);

    [Fact]
    public async Task Release_HandsAClaimBackUnsent_WithoutCountingItsAttempt()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var c1 = await h.CreateConnectionAsync("c1", Token);
        await CompleteWithAsync(h, c1, "deals", [Webhook(c1, "1")]);
        var claimed = Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now, Lease, Token));

        Assert.False(await deliveries.ReleaseAsync(claimed.Lease with { Owner = "other" }, Token));
        Assert.True(await deliveries.ReleaseAsync(claimed.Lease, Token));
        Assert.False(await deliveries.MarkDeliveredAsync(claimed.Lease, 200, h.Now, Token));

        // Due again at once (long before the lease would have expired), and still its first attempt.
        var again = Assert.Single(await deliveries.ClaimAsync("w2", 10, h.Now, Lease, Token));
        Assert.Equal((claimed.Lease.Id, 1), (again.Lease.Id, again.Lease.Attempt));
    }

    [Fact]
    public async Task Claim_AfterACursor_TakesOnlyLaterDeliveries_AndAClaimFromTheStartTakesTheOnesLeftBehindIt()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        await OneDeliveryEachAsync(h, "1", "2", "3", "4");

        // "1" under a long lease, then "2" after it under a lease that runs out at once, then "3" after that.
        var one = Assert.Single(await deliveries.ClaimAsync("w", 1, h.Now, Lease, ClaimCursor.Start, Token));
        var two = Assert.Single(await deliveries.ClaimAsync("w", 1, h.Now, 1, one.Position, Token));
        var three = Assert.Single(await deliveries.ClaimAsync("w", 1, h.Now, Lease, two.Position, Token));
        Assert.Equal(["1", "2", "3"], new[] { one.Body, two.Body, three.Body });

        // "1" handed back unsent and "3" failed, to be retried later: behind and past the cursor after "3".
        Assert.True(await deliveries.ReleaseAsync(one.Lease, Token));
        Assert.Equal(DeliveryStates.Pending, await deliveries.MarkFailedAsync(three.Lease, three.WindowStartedAt, 500, "HTTP 500", h.Now + 5, Token));
        var later = h.Now + 10;
        var past = await deliveries.ClaimAsync("w2", 10, later, Lease, three.Position, Token);
        Assert.Equal(["3", "4"], past.Select(d => d.Body));

        // The cursor skipped "1" and "2" (its lease expired); a claim from the start takes both, "2" on a new attempt.
        var behind = await deliveries.ClaimAsync("w2", 10, later, Lease, ClaimCursor.Start, Token);
        Assert.Equal([("1", 1), ("2", 2)], behind.Select(d => (d.Body, d.Lease.Attempt)));
        Assert.Empty(await deliveries.ClaimAsync("w3", 10, later, Lease, ClaimCursor.Start, Token));
    }

    [Fact]
    public async Task Settings_DefaultToNangos_PatchOnlyTheFieldsGiven_AndTheFirstSigningKeyWins()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var store = new SqlWebhookStore(h.Database.Database);

        Assert.Equal(WebhookSettings.Default, await store.GetSettingsAsync(h.EnvironmentId, Token));
        var patched = await store.UpdateSettingsAsync(h.EnvironmentId, new WebhookSettingsPatch(PrimaryUrl: "http://127.0.0.1:1/a", OnSyncError: false), h.Now, Token);
        Assert.Equal(WebhookSettings.Default with { PrimaryUrl = "http://127.0.0.1:1/a", OnSyncError = false }, patched);
        var cleared = await store.UpdateSettingsAsync(h.EnvironmentId, new WebhookSettingsPatch(PrimaryUrl: "", OnSyncRunSummary: true), h.Now, Token);
        Assert.Equal(WebhookSettings.Default with { OnSyncError = false, OnSyncRunSummary = true }, cleared);

        Assert.Null(await store.GetSigningKeyAsync(h.EnvironmentId, Token));
        Assert.Equal([1, 2], await store.AddSigningKeyAsync(h.EnvironmentId, [1, 2], h.Now, Token));
        Assert.Equal([1, 2], await store.AddSigningKeyAsync(h.EnvironmentId, [3, 4], h.Now, Token));
        await store.ReplaceSigningKeyAsync(h.EnvironmentId, [5], h.Now, Token);
        Assert.Equal([5], await store.GetSigningKeyAsync(h.EnvironmentId, Token));
        Assert.Equal(cleared, await store.GetSettingsAsync(h.EnvironmentId, Token));
    }

    /// <summary>Connections <c>c1</c>, <c>c2</c>, … each with one delivery of the given body, written in that order.</summary>
    private static async Task OneDeliveryEachAsync(StoreHarness h, params string[] bodies)
    {
        for (var i = 0; i < bodies.Length; i++)
        {
            var connection = await h.CreateConnectionAsync($"c{i + 1}", Token);
            await CompleteWithAsync(h, connection, "deals", [Webhook(connection, bodies[i])]);
        }
    }

    private static async Task CompleteWithAsync(StoreHarness h, Connection connection, string sync, IReadOnlyList<OutboxWebhook> webhooks)
    {
        var row = await h.SyncAsync(connection, sync, Token);
        await h.TriggerAsync(row, Token);
        var run = await h.ClaimOneAsync(Token);
        Assert.True(await h.CompleteAsync(new RunCompletion(new RunFence(run.RunId, run.LeaseToken), row.Id, true, "{}", null, h.Now, h.Now, webhooks), Token));
    }

    private static OutboxWebhook Webhook(Connection connection, string body) =>
        new(connection.EnvironmentId, connection.Id, connection.ConnectionId, connection.ProviderConfigKey, WebhookEvents.SyncSuccess, "http://127.0.0.1:9/hook", body);
}

public sealed class SqliteWebhookOutboxTests : WebhookOutboxContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresWebhookOutboxTests : WebhookOutboxContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
