using System.Collections.Concurrent;
using Tributary.Core.Credentials;

namespace Tributary.Core.Services;

/// <summary>
/// What a hot path resolved a connection to, kept for one second per environment, integration key and connection id
/// (never shared across environments), so that a burst of requests for one connection reads the database once a
/// second instead of on every request. <see cref="ProxyTargets"/> and <see cref="RecordConnections"/> are its two uses.
/// </summary>
/// <remarks>
/// <para>An entry is served only while <see cref="ConnectionChanges"/> has not moved since the caller started reading
/// it from the database: a refresh, reconnect, delete or integration change in this process takes effect on the next
/// request. Another process's change (several processes on one database) is seen within the second; each use says
/// why that is safe for what it keeps.</para>
/// <para>Bounded: beyond <see cref="ConnectionCacheLimits.MaxEntries"/> connections the cache starts over.</para>
/// </remarks>
public abstract class ConnectionKeyedCache<TValue>
{
    private readonly ConcurrentDictionary<(long EnvironmentId, string ProviderConfigKey, string ConnectionId), Entry> _entries = new();
    private readonly ConnectionChanges _changes;
    private readonly TimeProvider _timeProvider;
    private readonly long _lifetimeTicks;

    protected ConnectionKeyedCache(ConnectionChanges changes, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _changes = changes;
        _timeProvider = timeProvider;
        _lifetimeTicks = (long)(ConnectionCacheLimits.TimeToLive.TotalSeconds * timeProvider.TimestampFrequency);
    }

    /// <summary>The generation to pass to <see cref="Keep"/>: read it before reading the database.</summary>
    public long Generation => _changes.Generation;

    public bool TryGet(long environmentId, string providerConfigKey, string connectionId, out TValue value)
    {
        if (_entries.TryGetValue((environmentId, providerConfigKey, connectionId), out var entry)
            && entry.Generation == _changes.Generation
            && _timeProvider.GetTimestamp() - entry.KeptAt < _lifetimeTicks)
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <param name="generation">The <see cref="Generation"/> read before the value was read from the database.</param>
    public void Keep(long environmentId, string providerConfigKey, string connectionId, TValue value, long generation)
    {
        if (generation != _changes.Generation)
        {
            return; // Something changed while the caller read: what it read may be stale already.
        }

        if (_entries.Count >= ConnectionCacheLimits.MaxEntries)
        {
            _entries.Clear();
        }

        _entries[(environmentId, providerConfigKey, connectionId)] = new Entry(value, generation, _timeProvider.GetTimestamp());
    }

    private sealed record Entry(TValue Value, long Generation, long KeptAt);
}

/// <summary>How long and how many entries a <see cref="ConnectionKeyedCache{TValue}"/> keeps.</summary>
public static class ConnectionCacheLimits
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(1);

    public const int MaxEntries = 10_000;
}
