using Tributary.Core.Domain;

namespace Tributary.Core.Ports;

/// <summary>Environments and the API keys that scope requests to them. Keys are stored by hash only.</summary>
public interface IApiKeyStore
{
    Task<EnvironmentInfo> EnsureEnvironmentAsync(string name, CancellationToken cancellationToken);

    /// <summary>The environment of this name, or null; a read only (a dryrun must not create one).</summary>
    Task<EnvironmentInfo?> FindEnvironmentAsync(string name, CancellationToken cancellationToken);

    /// <summary>The live (not revoked) key with this SHA-256 hash, with the hash as stored, or null.</summary>
    Task<StoredApiKey?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>Stores a key by its hash; a key already stored with that hash is left as it is (a revoked key stays revoked).</summary>
    Task<long> CreateApiKeyAsync(long environmentId, string keyHash, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the key the server is configured with, marked as configured, and in the same transaction revokes every
    /// other configured key of the environment (rotation). A revoked key stays revoked.
    /// </summary>
    Task<ConfiguredKeyResult> KeepConfiguredApiKeyAsync(long environmentId, string keyHash, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken);

    /// <summary>Every key of every environment, oldest first (no hashes).</summary>
    Task<IReadOnlyList<ApiKeyListing>> ListApiKeysAsync(CancellationToken cancellationToken);

    /// <summary>Revokes one key by id.</summary>
    Task<RevokeResult> RevokeApiKeyAsync(long id, CancellationToken cancellationToken);
}

/// <summary>A live key and the hash it is stored under (for the constant-time re-check).</summary>
public sealed record StoredApiKey(ApiKeyInfo Key, string KeyHash);

/// <summary>What keeping the configured key did: whether that key is revoked, and how many previous configured keys it retired.</summary>
public sealed record ConfiguredKeyResult(long Id, bool Revoked, int Retired);

/// <summary>One key as <c>tributary keys list</c> shows it.</summary>
public sealed record ApiKeyListing(long Id, string EnvironmentName, string Name, IReadOnlyList<string> Scopes, bool Configured, long CreatedAt, long? RevokedAt);

public enum RevokeResult
{
    Revoked,
    AlreadyRevoked,
    NotFound,
}
