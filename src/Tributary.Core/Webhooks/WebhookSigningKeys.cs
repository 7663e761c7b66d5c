using System.Collections.Concurrent;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Security;

namespace Tributary.Core.Webhooks;

/// <summary>
/// The environment's webhook signing key: a random UUID v4 like Nango's, generated on first use, stored encrypted
/// with the credentials key, distinct from every API key; rotation replaces it.
/// </summary>
/// <remarks>
/// Delivery workers read it through <see cref="GetCachedAsync"/>, kept for one second: a rotation in this process
/// applies at once, one in another process within about a second.
/// </remarks>
public sealed class WebhookSigningKeys
{
    private readonly IWebhookStore _store;
    private readonly CredentialProtector _protector;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<long, (string Key, long ReadAt)> _cache = new();

    public WebhookSigningKeys(IWebhookStore store, CredentialProtector protector, TimeProvider timeProvider)
    {
        _store = store;
        _protector = protector;
        _timeProvider = timeProvider;
    }

    /// <summary>The key, generated and stored first when the environment has none.</summary>
    public async Task<string> GetAsync(long environmentId, CancellationToken cancellationToken)
    {
        var stored = await _store.GetSigningKeyAsync(environmentId, cancellationToken)
            ?? await _store.AddSigningKeyAsync(environmentId, _protector.Protect(NewKey()), Micros.Now(_timeProvider), cancellationToken);
        return _protector.Unprotect(stored);
    }

    /// <summary>The key as the delivery workers sign with it: read at most once a second per environment.</summary>
    public async Task<string> GetCachedAsync(long environmentId, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetTimestamp();
        if (_cache.TryGetValue(environmentId, out var cached) && _timeProvider.GetElapsedTime(cached.ReadAt, now) < TimeSpan.FromSeconds(1))
        {
            return cached.Key;
        }

        var key = await GetAsync(environmentId, cancellationToken);
        _cache[environmentId] = (key, now);
        return key;
    }

    /// <summary>Replaces the key and returns the new one; deliveries not yet sent are signed with it.</summary>
    public async Task<string> RotateAsync(long environmentId, CancellationToken cancellationToken)
    {
        var key = NewKey();
        await _store.ReplaceSigningKeyAsync(environmentId, _protector.Protect(key), Micros.Now(_timeProvider), cancellationToken);
        _cache.TryRemove(environmentId, out _);
        return key;
    }

    private static string NewKey() => Guid.NewGuid().ToString();
}
