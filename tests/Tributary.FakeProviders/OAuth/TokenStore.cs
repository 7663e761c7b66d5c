using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Tributary.FakeProviders;

/// <summary>Whether a bearer token may call the fake APIs.</summary>
internal enum TokenCheck
{
    Valid,
    Expired,
    Unknown,
}

/// <summary>
/// Every token the fake authorization server issued. Shared with the fake APIs, which accept only live access
/// tokens. A rotated refresh token is taken out atomically, so of two concurrent refreshes with one token only one
/// wins — the race real providers with single-use refresh tokens expose.
/// </summary>
internal sealed class TokenStore(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, AccessGrant> _access = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefreshGrant> _refresh = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _issued = new();

    /// <summary>Every access and refresh token ever issued, revoked and expired ones included, oldest first.</summary>
    public IReadOnlyList<string> Issued => [.. _issued];

    public FakeTokenSet Issue(string clientId, string scope, TimeSpan lifetime, bool withRefreshToken)
    {
        var accessToken = NewToken("fake_at_");
        var expiresAt = timeProvider.GetUtcNow() + lifetime;
        _access[accessToken] = new AccessGrant(clientId, scope, expiresAt);
        _issued.Enqueue(accessToken);
        string? refreshToken = null;
        if (withRefreshToken)
        {
            refreshToken = NewToken("fake_rt_");
            _refresh[refreshToken] = new RefreshGrant(clientId, scope);
            _issued.Enqueue(refreshToken);
        }

        return new FakeTokenSet(accessToken, refreshToken, expiresAt, scope);
    }

    public TokenCheck Check(string? accessToken, out TimeSpan expiredFor)
    {
        expiredFor = TimeSpan.Zero;
        if (accessToken is null || !_access.TryGetValue(accessToken, out var grant))
        {
            return TokenCheck.Unknown;
        }

        var now = timeProvider.GetUtcNow();
        if (now >= grant.ExpiresAt)
        {
            expiredFor = now - grant.ExpiresAt;
            return TokenCheck.Expired;
        }

        return TokenCheck.Valid;
    }

    /// <summary>Finds a refresh token of this client; with <paramref name="consume"/> it is taken out for good.</summary>
    public bool TryRedeemRefreshToken(string refreshToken, string clientId, bool consume, out string scope)
    {
        scope = "";
        if (!_refresh.TryGetValue(refreshToken, out var grant) || !string.Equals(grant.ClientId, clientId, StringComparison.Ordinal))
        {
            return false;
        }

        if (consume && !_refresh.TryRemove(new KeyValuePair<string, RefreshGrant>(refreshToken, grant)))
        {
            return false;
        }

        scope = grant.Scope;
        return true;
    }

    public bool ExpireAccessToken(string accessToken)
    {
        while (_access.TryGetValue(accessToken, out var grant))
        {
            var expired = grant with { ExpiresAt = timeProvider.GetUtcNow() };
            if (_access.TryUpdate(accessToken, expired, grant))
            {
                return true;
            }
        }

        return false;
    }

    public int ExpireAllAccessTokens()
    {
        var count = 0;
        foreach (var token in _access.Keys)
        {
            if (ExpireAccessToken(token))
            {
                count++;
            }
        }

        return count;
    }

    public bool Revoke(string token) => _access.TryRemove(token, out _) | _refresh.TryRemove(token, out _);

    public bool IsLiveRefreshToken(string refreshToken) => _refresh.ContainsKey(refreshToken);

    public static string NewToken(string prefix) =>
        prefix + Base64Url(RandomNumberGenerator.GetBytes(24));

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record AccessGrant(string ClientId, string Scope, DateTimeOffset ExpiresAt);

    private sealed record RefreshGrant(string ClientId, string Scope);
}
