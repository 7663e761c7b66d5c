using System.Collections.Concurrent;
using Tributary.Core.Domain;
using Tributary.Core.Security;

namespace Tributary.Server.Http;

/// <summary>
/// Bearer secret keys, Nango's 401 bodies, and scope checks (403 "Insufficient scope. Required: …").
/// Known keys are cached for <see cref="KnownFor"/>, so a warm request costs one SHA-256 and a dictionary lookup, and
/// a key revoked by any process (<c>tributary keys revoke</c>, a rotation) stops working everywhere within that
/// time: a cached key is looked up again once its second is over (one indexed read per key per second).
/// Unknown keys are remembered for <see cref="UnknownFor"/> (at most <see cref="MaxUnknown"/> of them), so a client
/// repeating a wrong key costs no database work; a key created meanwhile works once that time is over.
/// </summary>
internal sealed class ApiKeyAuthentication
{
    public static readonly TimeSpan KnownFor = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan UnknownFor = TimeSpan.FromSeconds(5);
    public const int MaxUnknown = 10_000;

    private readonly ApiKeyService _keys;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, (ApiKeyInfo Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _unknown = new(StringComparer.Ordinal);
    private long _lookups;

    public ApiKeyAuthentication(ApiKeyService keys, TimeProvider timeProvider)
    {
        _keys = keys;
        _timeProvider = timeProvider;
    }

    /// <summary>Database look-ups made for keys (a test's measure of what the caches save).</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

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

        var key = await FindAsync(ApiKeys.Hash(secret), context.RequestAborted);
        return key is null ? (null, UnknownAccount()) : (key, null);
    }

    /// <summary>The live key with this hash (through the same caches as a Bearer key), or null when unknown or revoked.</summary>
    public async Task<ApiKeyInfo?> FindAsync(string hash, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Key;
        }

        if (_unknown.TryGetValue(hash, out var unknownUntil) && unknownUntil > now)
        {
            return null;
        }

        Interlocked.Increment(ref _lookups);
        var key = await _keys.FindByHashAsync(hash, cancellationToken);
        if (key is null)
        {
            _cache.TryRemove(hash, out _);
            RememberUnknown(hash, now);
            return null;
        }

        _unknown.TryRemove(hash, out _);
        _cache[hash] = (key, now + KnownFor);
        return key;
    }

    private void RememberUnknown(string hash, DateTimeOffset now)
    {
        if (_unknown.Count >= MaxUnknown)
        {
            foreach (var (stale, until) in _unknown)
            {
                if (until <= now)
                {
                    _unknown.TryRemove(stale, out _);
                }
            }

            if (_unknown.Count >= MaxUnknown)
            {
                // Still full of live entries: a flood of distinct keys. Start over rather than grow; the per-address
                // limit on 401s is what stops the flood.
                _unknown.Clear();
            }
        }

        _unknown[hash] = now + UnknownFor;
    }

    public static ApiError UnknownAccount() =>
        Unauthorized("unknown_account", "Authentication failed. The provided authorization header does not match any account.");

    public static ApiError? RequireScope(ApiKeyInfo key, string scope) =>
        ApiKeys.Grants(key.Scopes, scope) ? null : new ApiError(403, "forbidden", $"Insufficient scope. Required: {scope}");

    public static Tenant TenantOf(ApiKeyInfo key) => new(key.EnvironmentId, key.EnvironmentName);

    public static ApiError Unauthorized(string code, string message) =>
        new(401, code, message, null, new System.Text.Json.Nodes.JsonObject());
}
