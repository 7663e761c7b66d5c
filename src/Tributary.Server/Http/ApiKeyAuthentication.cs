using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Tributary.Core.Domain;
using Tributary.Core.Security;
using Tributary.Core.Services;
using Tributary.Server.Validation;

namespace Tributary.Server.Http;

/// <summary>
/// Bearer secret keys, Nango's 401 bodies, and scope checks (403 "Insufficient scope. Required: …").
/// Known keys are cached for a minute, so a warm request costs one SHA-256 and a dictionary lookup.
/// </summary>
internal sealed class ApiKeyAuthentication
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private readonly ApiKeyService _keys;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, (ApiKeyInfo Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public ApiKeyAuthentication(ApiKeyService keys, TimeProvider timeProvider)
    {
        _keys = keys;
        _timeProvider = timeProvider;
    }

    /// <returns>The caller's key, or the error to answer with.</returns>
    public async Task<(ApiKeyInfo? Key, ApiError? Error)> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header))
        {
            return (null, Unauthorized("missing_auth_header", "Authentication failed. The request is missing the Authorization header."));
        }

        var at = header.LastIndexOf("Bearer ", StringComparison.Ordinal);
        var secret = at >= 0 ? header[(at + "Bearer ".Length)..].Trim() : header.Trim();
        if (secret.Length == 0 || header.Trim().Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Unauthorized("malformed_auth_header", "Authentication failed. The Authorization header is malformed."));
        }

        if (!ApiKeys.IsUuidV4(secret))
        {
            return (null, Unauthorized("invalid_secret_key_format", "Authentication failed. The provided secret key is not a UUID v4."));
        }

        var hash = ApiKeys.Hash(secret.ToLowerInvariant());
        var now = _timeProvider.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return (cached.Key, null);
        }

        var key = await _keys.FindByHashAsync(hash, context.RequestAborted);
        if (key is null)
        {
            return (null, Unauthorized("unknown_account", "Authentication failed. The provided authorization header does not match any account."));
        }

        _cache[hash] = (key, now + CacheFor);
        return (key, null);
    }

    public static ApiError? RequireScope(ApiKeyInfo key, string scope) =>
        ApiKeys.Grants(key.Scopes, scope) ? null : new ApiError(403, "forbidden", $"Insufficient scope. Required: {scope}");

    public static Tenant TenantOf(ApiKeyInfo key) => new(key.EnvironmentId, key.EnvironmentName);

    private static ApiError Unauthorized(string code, string message) =>
        new(401, code, message, null, new System.Text.Json.Nodes.JsonObject());
}
