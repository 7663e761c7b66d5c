namespace Tributary.Core.Ports;

/// <summary>Connect sessions (looked up by their token's hash) and the OAuth redirects in flight (taken once by the callback).</summary>
public interface IConnectSessionStore
{
    Task CreateSessionAsync(StoredConnectSession session, CancellationToken cancellationToken);

    /// <summary>The live session with this token hash, or null when unknown or expired at <paramref name="now"/>.</summary>
    Task<StoredConnectSession?> GetSessionAsync(string tokenHash, long now, CancellationToken cancellationToken);

    /// <returns>False when there was no such session.</returns>
    Task<bool> DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken);

    Task CreateOAuthStateAsync(StoredOAuthState state, CancellationToken cancellationToken);

    /// <summary>Deletes and returns the state in one statement (single use); null when unknown, already taken or expired.</summary>
    Task<StoredOAuthState?> TakeOAuthStateAsync(string stateHash, long now, CancellationToken cancellationToken);
}

/// <param name="BodyJson">The session's Nango fields as JSON (end_user, organization, allowed_integrations, integrations_config_defaults, tags).</param>
/// <param name="ConnectionId">The connection a reconnect session re-authorizes; null for a new connection.</param>
/// <param name="EnvironmentName">Read back from the environment (ignored on create).</param>
public sealed record StoredConnectSession(
    string TokenHash,
    long EnvironmentId,
    string EnvironmentName,
    string BodyJson,
    string? ConnectionId,
    string? IntegrationKey,
    long ExpiresAt,
    long CreatedAt);

/// <param name="EncryptedCodeVerifier">The PKCE verifier under the credentials key; null when the provider disables PKCE.</param>
public sealed record StoredOAuthState(
    string StateHash,
    long EnvironmentId,
    string SessionHash,
    string ProviderConfigKey,
    string ConnectionId,
    bool Reconnect,
    byte[]? EncryptedCodeVerifier,
    string ConnectionConfigJson,
    string? WebSocketClientId,
    long ExpiresAt);
