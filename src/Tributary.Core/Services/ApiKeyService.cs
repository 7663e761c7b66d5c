using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Security;

namespace Tributary.Core.Services;

/// <summary>Environments and API keys: what the server's start, its authentication and <c>tributary keys</c> do.</summary>
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

    /// <summary>The live key with this hash (see <see cref="ApiKeys.Hash"/>), or null.</summary>
    public Task<ApiKeyInfo?> FindByHashAsync(string keyHash, CancellationToken cancellationToken) =>
        _keys.FindApiKeyAsync(keyHash, cancellationToken);

    /// <summary>Stores a known secret (only its hash); storing it again revives it if it was revoked.</summary>
    public Task KeepAsync(Tenant tenant, string secret, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken) =>
        _keys.CreateApiKeyAsync(tenant.EnvironmentId, ApiKeys.Hash(secret), name, scopes, cancellationToken);

    /// <summary>Creates a new random key; the secret is returned once and only its hash is stored.</summary>
    public async Task<string> CreateAsync(Tenant tenant, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var secret = ApiKeys.NewSecret();
        await KeepAsync(tenant, secret, name, scopes, cancellationToken);
        return secret;
    }
}
