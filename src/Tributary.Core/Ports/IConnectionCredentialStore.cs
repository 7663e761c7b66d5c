namespace Tributary.Core.Ports;

/// <summary>
/// A connection's credentials as the refresh path needs them, and the refresh lease: one process at a time holds it
/// and calls the token endpoint; the others wait and re-read what it stored.
/// </summary>
public interface IConnectionCredentialStore
{
    Task<StoredCredentials?> GetAsync(long connectionDbId, CancellationToken cancellationToken);

    /// <summary>Sets the connection's config and the expiry of its current credentials (after an import).</summary>
    Task SetConfigAndExpiryAsync(long connectionDbId, string connectionConfigJson, long? expiresAt, CancellationToken cancellationToken);

    /// <summary>Takes the refresh lease when it is free or expired; false when another owner holds it.</summary>
    Task<bool> TryLeaseAsync(long connectionDbId, string owner, long now, long until, CancellationToken cancellationToken);

    Task ReleaseLeaseAsync(long connectionDbId, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Stores refreshed credentials in one statement (the new refresh token and the access token together), clears
    /// the refresh error and attempt count, stamps the success and releases the lease if <paramref name="owner"/> holds it.
    /// </summary>
    Task SaveRefreshedAsync(long connectionDbId, string owner, byte[] encryptedCredentials, long? expiresAt, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed refresh (credentials untouched), counts the attempt and releases the lease. When this is the
    /// first failure of a streak (no failure counted since the last success or override), <paramref name="firstFailureWebhooks"/>
    /// are added to the outbox in the same transaction; answers whether they were.
    /// </summary>
    Task<bool> RecordFailureAsync(
        long connectionDbId, string owner, string failure, long now, IReadOnlyList<Webhooks.OutboxWebhook> firstFailureWebhooks, CancellationToken cancellationToken);

    /// <summary>
    /// A re-authorization: replaces the credentials, config and expiry, resets the refresh bookkeeping (as a success)
    /// and adds <paramref name="webhooks"/> (the <c>override</c> auth webhook) to the outbox, in one transaction.
    /// </summary>
    Task OverrideAsync(
        long connectionDbId, string connectionConfigJson, byte[] encryptedCredentials, long? expiresAt, long now, IReadOnlyList<Webhooks.OutboxWebhook> webhooks, CancellationToken cancellationToken);

    /// <summary>Connections whose credentials expire before <paramref name="before"/>, with fewer than <paramref name="maxAttempts"/> failed refreshes in a row.</summary>
    Task<IReadOnlyList<long>> ListExpiringAsync(long before, int maxAttempts, int limit, CancellationToken cancellationToken);
}

/// <summary>What the refresh path reads of a connection (and its integration).</summary>
/// <param name="ExpiresAt">The credentials' expiry, unix microseconds; null when they have none.</param>
public sealed record StoredCredentials(
    long ConnectionDbId,
    long IntegrationId,
    string ProviderConfigKey,
    string ConnectionId,
    string Provider,
    string? IntegrationBaseUrl,
    byte[] EncryptedCredentials,
    string ConnectionConfigJson,
    long? ExpiresAt,
    RefreshStatus Refresh);

/// <summary>Nango's refresh bookkeeping. Times are unix microseconds.</summary>
/// <param name="Error">What the provider answered at the last failure (no secrets); null after a success.</param>
public sealed record RefreshStatus(long? LastSuccess, long? LastFailure, int Attempts, string? Error)
{
    public static readonly RefreshStatus None = new(null, null, 0, null);
}
