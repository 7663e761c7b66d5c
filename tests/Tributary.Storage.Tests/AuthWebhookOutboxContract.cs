using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// Auth webhooks in the outbox, written by the credential store in the transaction of the change they report: the
/// refresh failure only for the first failure of a streak, the override with the replaced credentials; no run id.
/// </summary>
public abstract class AuthWebhookOutboxContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RefreshFailure_WritesItsWebhookOnlyForTheFirstFailureOfAStreak()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var credentials = new SqlConnectionCredentialStore(h.Database.Database);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var connection = await h.CreateConnectionAsync("c1", Token);

        var first = await credentials.RecordFailureAsync(connection.Id, "p1", null, "HTTP 400 invalid_grant", h.Now, [Webhook(connection, "first")], Token);
        var second = await credentials.RecordFailureAsync(connection.Id, "p2", null, "HTTP 400 invalid_grant", h.Now, [Webhook(connection, "second")], Token);
        Assert.True(await credentials.SaveRefreshedAsync(connection.Id, "p1", null, [1, 2, 3], null, h.Now, Token));
        var afterSuccess = await credentials.RecordFailureAsync(connection.Id, "p1", h.Now, "HTTP 500", h.Now, [Webhook(connection, "third")], Token);

        Assert.Equal(
            (RecordedFailure.CountedWithWebhooks, RecordedFailure.Counted, RecordedFailure.CountedWithWebhooks),
            (first, second, afterSuccess));
        var rows = await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, "c1", null, 100), Token);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal(((long?)null, WebhookEvents.AuthRefresh), (row.RunId, row.Event)));
        var stored = await credentials.GetAsync(connection.Id, Token);
        Assert.Equal((1, "HTTP 500"), (stored!.Refresh.Attempts, stored.Refresh.Error));
    }

    [Fact]
    public async Task Override_ReplacesTheCredentials_ResetsTheStreak_AndWritesItsWebhook()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var credentials = new SqlConnectionCredentialStore(h.Database.Database);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await credentials.RecordFailureAsync(connection.Id, "p1", null, "HTTP 400", h.Now, [], Token);

        await credentials.OverrideAsync(connection.Id, """{"subdomain":"acme"}""", [9, 9], h.Now + 1, h.Now, ReconnectSessionFields.None, [Webhook(connection, "override")], Token);

        var stored = await credentials.GetAsync(connection.Id, Token);
        Assert.Equal([9, 9], stored!.EncryptedCredentials);
        Assert.Equal(("""{"subdomain":"acme"}""", (long?)(h.Now + 1), 0), (stored.ConnectionConfigJson, stored.ExpiresAt, stored.Refresh.Attempts));
        var row = Assert.Single(await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, "c1", null, 100), Token));
        Assert.Equal(((long?)null, WebhookEvents.AuthOverride, DeliveryStates.Pending), (row.RunId, row.Event, row.State));
        Assert.Equal("override", Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now, 600_000_000, Token)).Body);
    }

    [Fact]
    public async Task ARefreshReadBeforeAnOverride_NeitherStoresItsTokensNorRecordsItsFailure_AndKeepsItsLease()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var credentials = new SqlConnectionCredentialStore(h.Database.Database);
        var deliveries = new SqlWebhookDeliveryStore(h.Database.Database);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var read = (await credentials.GetAsync(connection.Id, Token))!.Refresh.LastSuccess;
        Assert.True(await credentials.TryLeaseAsync(connection.Id, "p1", h.Now, 60_000_000, Token));

        // The reconnect lands while p1's token request is out.
        await credentials.OverrideAsync(connection.Id, "{}", [9, 9], h.Now + 1, h.Now + 5, ReconnectSessionFields.None, [], Token);
        var saved = await credentials.SaveRefreshedAsync(connection.Id, "p1", read, [1, 2, 3], null, h.Now + 10, Token);
        var failed = await credentials.RecordFailureAsync(connection.Id, "p1", read, "HTTP 400 invalid_grant", h.Now + 10, [Webhook(connection, "refused")], Token);

        Assert.False(saved);
        Assert.Equal(RecordedFailure.Superseded, failed);
        var stored = await credentials.GetAsync(connection.Id, Token);
        Assert.Equal([9, 9], stored!.EncryptedCredentials);
        Assert.Equal((0, (string?)null, (long?)(h.Now + 5)), (stored.Refresh.Attempts, stored.Refresh.Error, stored.Refresh.LastSuccess));
        Assert.Empty(await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, "c1", null, 100), Token));
        Assert.False(await credentials.TryLeaseAsync(connection.Id, "p2", h.Now + 10, 60_000_000, Token));

        // Read again after the override, the same refresh stores its tokens.
        Assert.True(await credentials.SaveRefreshedAsync(connection.Id, "p1", h.Now + 5, [1, 2, 3], null, h.Now + 20, Token));
        Assert.Equal([1, 2, 3], (await credentials.GetAsync(connection.Id, Token))!.EncryptedCredentials);
        Assert.True(await credentials.TryLeaseAsync(connection.Id, "p2", h.Now + 20, 60_000_000, Token));
    }

    private static OutboxWebhook Webhook(Connection connection, string body) => new(
        connection.EnvironmentId,
        connection.Id,
        connection.ConnectionId,
        connection.ProviderConfigKey,
        body == "override" ? WebhookEvents.AuthOverride : WebhookEvents.AuthRefresh,
        "http://127.0.0.1:9/hook",
        body);
}

public sealed class SqliteAuthWebhookOutboxTests : AuthWebhookOutboxContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresAuthWebhookOutboxTests : AuthWebhookOutboxContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
