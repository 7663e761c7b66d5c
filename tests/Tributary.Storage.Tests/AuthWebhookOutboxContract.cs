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

        var first = await credentials.RecordFailureAsync(connection.Id, "p1", "HTTP 400 invalid_grant", h.Now, [Webhook(connection, "first")], Token);
        var second = await credentials.RecordFailureAsync(connection.Id, "p2", "HTTP 400 invalid_grant", h.Now, [Webhook(connection, "second")], Token);
        await credentials.SaveRefreshedAsync(connection.Id, "p1", [1, 2, 3], null, h.Now, Token);
        var afterSuccess = await credentials.RecordFailureAsync(connection.Id, "p1", "HTTP 500", h.Now, [Webhook(connection, "third")], Token);

        Assert.Equal((true, false, true), (first, second, afterSuccess));
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
        await credentials.RecordFailureAsync(connection.Id, "p1", "HTTP 400", h.Now, [], Token);

        await credentials.OverrideAsync(connection.Id, """{"subdomain":"acme"}""", [9, 9], h.Now + 1, h.Now, [Webhook(connection, "override")], Token);

        var stored = await credentials.GetAsync(connection.Id, Token);
        Assert.Equal([9, 9], stored!.EncryptedCredentials);
        Assert.Equal(("""{"subdomain":"acme"}""", (long?)(h.Now + 1), 0), (stored.ConnectionConfigJson, stored.ExpiresAt, stored.Refresh.Attempts));
        var row = Assert.Single(await deliveries.ListAsync(h.EnvironmentId, new DeliveryFilter(null, null, "c1", null, 100), Token));
        Assert.Equal(((long?)null, WebhookEvents.AuthOverride, DeliveryStates.Pending), (row.RunId, row.Event, row.State));
        Assert.Equal("override", Assert.Single(await deliveries.ClaimAsync("w", 10, h.Now, 600_000_000, Token)).Body);
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
