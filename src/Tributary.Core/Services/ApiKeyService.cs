using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Security;

namespace Tributary.Core.Services;

/// <summary>Environments and API keys: what the server's start, its authentication and <c>tributary keys</c> do.</summary>
/// <remarks>Every secret is hashed through <see cref="ApiKeys.Hash"/>, which normalises it: one rule for all three.</remarks>
public sealed class ApiKeyService
{
    private readonly IApiKeyStore _keys;

    public ApiKeyService(IApiKeyStore keys)
    {
        _keys = keys;
    }

    public async Task<Tenant> EnsureEnvironmentAsync(string name, CancellationToken cancellationToken)
    {
        var environment = await _keys.EnsureEnvironmentAsync(name, cancellationToken);
        return new Tenant(environment.Id, environment.Name);
    }

    /// <summary>The live key with this hash (see <see cref="ApiKeys.Hash"/>), or null; the stored hash is re-checked in constant time.</summary>
    public async Task<ApiKeyInfo?> FindByHashAsync(string keyHash, CancellationToken cancellationToken)
    {
        var stored = await _keys.FindApiKeyAsync(keyHash, cancellationToken);
        return stored is not null && ApiKeys.HashEquals(stored.KeyHash, keyHash) ? stored.Key : null;
    }

    /// <summary>Stores a known secret (only its hash); a revoked key stays revoked.</summary>
    public Task KeepAsync(Tenant tenant, string secret, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken) =>
        _keys.CreateApiKeyAsync(tenant.EnvironmentId, ApiKeys.Hash(secret), name, scopes, cancellationToken);

    /// <summary>Stores the configured secret and retires the environment's previous configured key.</summary>
    public Task<ConfiguredKeyResult> KeepConfiguredAsync(Tenant tenant, string secret, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken) =>
        _keys.KeepConfiguredApiKeyAsync(tenant.EnvironmentId, ApiKeys.Hash(secret), name, scopes, cancellationToken);

    /// <summary>Creates a new random key; the secret is returned once and only its hash is stored.</summary>
    public async Task<string> CreateAsync(Tenant tenant, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var secret = ApiKeys.NewSecret();
        await KeepAsync(tenant, secret, name, scopes, cancellationToken);
        return secret;
    }

    public Task<IReadOnlyList<ApiKeyListing>> ListAsync(CancellationToken cancellationToken) => _keys.ListApiKeysAsync(cancellationToken);

    public Task<RevokeResult> RevokeAsync(long id, CancellationToken cancellationToken) => _keys.RevokeApiKeyAsync(id, cancellationToken);
}
