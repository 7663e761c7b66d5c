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

    /// <summary>
    /// Takes the refresh lease for <paramref name="leaseMicros"/> when it is free or expired; false when another owner
    /// holds it. Expiry is read on the database's clock where processes on several hosts share it (PostgreSQL), as
    /// the run queue's leases are, so a host whose clock runs ahead cannot take a lease still held; SQLite's processes
    /// share one host and its clock, <paramref name="now"/>.
    /// </summary>
    Task<bool> TryLeaseAsync(long connectionDbId, string owner, long now, long leaseMicros, CancellationToken cancellationToken);

    Task ReleaseLeaseAsync(long connectionDbId, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// Stores refreshed credentials in one statement (the new refresh token and the access token together), clears
    /// the refresh error and attempt count, stamps the success and releases the lease if <paramref name="owner"/> holds it.
    /// </summary>
    /// <param name="lastSuccessRead">
    /// The connection's <see cref="RefreshStatus.LastSuccess"/> as the refresh read it under the lease. The tokens are
    /// stored only while it is unchanged: a re-authorization (<see cref="OverrideAsync"/>) that landed during the token
    /// request stamps it, and its new grant must not be overwritten by tokens of the grant it replaced.
    /// </param>
    /// <returns>False when a re-authorization came first: nothing was written and the lease is still held.</returns>
    Task<bool> SaveRefreshedAsync(long connectionDbId, string owner, long? lastSuccessRead, byte[] encryptedCredentials, long? expiresAt, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed refresh (credentials untouched), counts the attempt and releases the lease. When this is the
    /// first failure of a streak (no failure counted since the last success or override), <paramref name="firstFailureWebhooks"/>
    /// are added to the outbox in the same transaction. Nothing is recorded when the connection was re-authorized
    /// since the refresh read it (<paramref name="lastSuccessRead"/> changed, as for <see cref="SaveRefreshedAsync"/>):
    /// the refusal was of the replaced grant.
    /// </summary>
    Task<RecordedFailure> RecordFailureAsync(
        long connectionDbId, string owner, long? lastSuccessRead, string failure, long now, IReadOnlyList<Webhooks.OutboxWebhook> firstFailureWebhooks, CancellationToken cancellationToken);

    /// <summary>
    /// A re-authorization: replaces the credentials, config and expiry, resets the refresh bookkeeping (as a success)
    /// and adds <paramref name="webhooks"/> (the <c>override</c> auth webhook) to the outbox, in one transaction.
    /// </summary>
    /// <param name="session">What the reconnect session replaces on the connection besides its credentials.</param>
    Task OverrideAsync(
        long connectionDbId,
        string connectionConfigJson,
        byte[] encryptedCredentials,
        long? expiresAt,
        long now,
        ReconnectSessionFields session,
        IReadOnlyList<Webhooks.OutboxWebhook> webhooks,
        CancellationToken cancellationToken);

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

/// <summary>What <see cref="IConnectionCredentialStore.RecordFailureAsync"/> did.</summary>
public enum RecordedFailure
{
    /// <summary>The connection was re-authorized since the refresh read it: nothing written, the lease still held.</summary>
    Superseded,

    /// <summary>Counted on the connection; the lease released.</summary>
    Counted,

    /// <summary>Counted as the first of a streak, with its webhooks in the outbox; the lease released.</summary>
    CountedWithWebhooks,
}

/// <summary>What a reconnect session replaces on the connection it re-authorizes; each null leaves the connection's own.</summary>
/// <param name="WebhookUrlOverride">The session's <c>webhook_url_override</c> (<c>""</c> clears the connection's).</param>
/// <param name="EndUserJson">The session's end user, as <see cref="Connect.ConnectionProfile.EndUser"/> (JSON text).</param>
/// <param name="TagsJson">The tags the session gives the connection, as <see cref="Connect.ConnectionProfile.Tags"/> (JSON text).</param>
public sealed record ReconnectSessionFields(string? WebhookUrlOverride, string? EndUserJson = null, string? TagsJson = null)
{
    /// <summary>A re-authorization that changes nothing but the credentials.</summary>
    public static ReconnectSessionFields None { get; } = new((string?)null);
}
