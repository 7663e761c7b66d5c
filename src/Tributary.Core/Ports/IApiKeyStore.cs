using Tributary.Core.Domain;

namespace Tributary.Core.Ports;

/// <summary>Environments and the API keys that scope requests to them.</summary>
public interface IApiKeyStore
{
    Task<EnvironmentInfo> EnsureEnvironmentAsync(string name, CancellationToken cancellationToken);

    /// <summary>The live (not revoked) key with this SHA-256 hash, or null.</summary>
    Task<ApiKeyInfo?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>Stores a key by its hash; an existing revoked key with that hash is revived.</summary>
    Task<long> CreateApiKeyAsync(long environmentId, string keyHash, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken);
}
