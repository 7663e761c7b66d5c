using System.Collections.Concurrent;
using Tributary.Core.Ports;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Each environment's webhook settings as the engine reads them at every run's completion, kept for one second per
/// process: a fan-out of thousands of short runs reads them once a second, not once a run, and a change through
/// the API reaches every worker within about a second (this process's own changes at once).
/// </summary>
public sealed class WebhookSettingsCache
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    private readonly IWebhookStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<long, (WebhookSettings Settings, long ReadAt)> _entries = new();

    public WebhookSettingsCache(IWebhookStore store, TimeProvider timeProvider)
    {
        _store = store;
        _timeProvider = timeProvider;
    }

    public async Task<WebhookSettings> GetAsync(long environmentId, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetTimestamp();
        if (_entries.TryGetValue(environmentId, out var entry) && _timeProvider.GetElapsedTime(entry.ReadAt, now) < Lifetime)
        {
            return entry.Settings;
        }

        var settings = await _store.GetSettingsAsync(environmentId, cancellationToken);
        _entries[environmentId] = (settings, now);
        return settings;
    }

    /// <summary>Forgets an environment's settings after this process changed them.</summary>
    public void Invalidate(long environmentId) => _entries.TryRemove(environmentId, out _);
}
