namespace Tributary.Core.Ports;

/// <summary>An integration's OAuth app: the client id, the encrypted client secret and the scopes.</summary>
public interface IOAuthClientStore
{
    Task<StoredOAuthClient?> GetAsync(long integrationId, CancellationToken cancellationToken);

    /// <summary>Replaces the integration's OAuth app; null clears it.</summary>
    Task SetAsync(long integrationId, StoredOAuthClient? client, long now, CancellationToken cancellationToken);
}

/// <param name="EncryptedSecret">The client secret under the credentials key (<see cref="Security.CredentialProtector"/>); null for a public client.</param>
public sealed record StoredOAuthClient(string ClientId, byte[]? EncryptedSecret, IReadOnlyList<string> Scopes);
