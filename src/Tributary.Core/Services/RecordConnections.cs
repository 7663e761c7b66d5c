using System.Collections.Concurrent;
using Tributary.Core.Credentials;

namespace Tributary.Core.Services;

/// <summary>
/// The database id of the connection a <c>GET /records</c> names, kept for <see cref="TimeToLive"/>: a client paging a
/// dataset asks for the same connection hundreds of times a second, and resolving it was one query (a join) per page
/// before the page's own query. Keyed by environment, integration key and connection id: never shared across
/// environments.
/// </summary>
/// <remarks>
/// <para>Invalidated as <see cref="ProxyTargets"/> is: an entry is served only while <see cref="ConnectionChanges"/>
/// has not moved since the caller started reading it, so a delete or reconnect in this process takes effect on the
/// next page. Another process's delete is seen within <see cref="TimeToLive"/>; meanwhile the stale id reads no rows,
/// since a connection's records go with it.</para>
/// <para>Bounded: beyond <see cref="MaxEntries"/> connections the cache starts over.</para>
/// </remarks>
public sealed class RecordConnections
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(1);
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(long EnvironmentId, string ProviderConfigKey, string ConnectionId), Entry> _entries = new();
    private readonly ConnectionChanges _changes;
    private readonly TimeProvider _timeProvider;

    public RecordConnections(ConnectionChanges changes, TimeProvider timeProvider)
    {
        _changes = changes;
        _timeProvider = timeProvider;
    }

    /// <summary>The generation to pass to <see cref="Keep"/>: read it before reading the database.</summary>
    public long Generation => _changes.Generation;

    public bool TryGet(long environmentId, string providerConfigKey, string connectionId, out long connectionDbId)
    {
        if (_entries.TryGetValue((environmentId, providerConfigKey, connectionId), out var entry)
            && entry.Generation == _changes.Generation
            && _timeProvider.GetTimestamp() - entry.KeptAt < entry.Lifetime)
        {
            connectionDbId = entry.ConnectionDbId;
            return true;
        }

        connectionDbId = 0;
        return false;
    }

    /// <param name="generation">The <see cref="Generation"/> read before the connection was read from the database.</param>
    public void Keep(long environmentId, string providerConfigKey, string connectionId, long connectionDbId, long generation)
    {
        if (generation != _changes.Generation)
        {
            return; // Something changed while the caller read: what it read may be stale already.
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        var lifetime = (long)(TimeToLive.TotalSeconds * _timeProvider.TimestampFrequency);
        _entries[(environmentId, providerConfigKey, connectionId)] = new Entry(connectionDbId, generation, _timeProvider.GetTimestamp(), lifetime);
    }

    private sealed record Entry(long ConnectionDbId, long Generation, long KeptAt, long Lifetime);
}
