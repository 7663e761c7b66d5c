using System.Collections.Concurrent;
using Tributary.Core.Credentials;
using Tributary.Core.Domain;

namespace Tributary.Core.Services;

/// <summary>
/// What a proxy call resolved a connection to (integration, connection, decrypted credentials), kept for
/// <see cref="TimeToLive"/> so that a burst of calls reads the database once a second per connection instead of three
/// times per call. Keyed by environment, integration key and connection id: never shared across environments.
/// </summary>
/// <remarks>
/// <para>An entry is served only while <see cref="ConnectionChanges"/> has not moved since the caller started reading
/// it from the database: a refresh, reconnect, delete or integration change in this process takes effect on the next
/// call. Another process's change (PostgreSQL with several processes) is seen within <see cref="TimeToLive"/>; a
/// token it revoked meanwhile gets a 401 from the provider, which makes the pipeline read the stored credentials.</para>
/// <para>Bounded: beyond <see cref="MaxEntries"/> connections the cache starts over.</para>
/// </remarks>
public sealed class ProxyTargets
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(1);
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(long EnvironmentId, string ProviderConfigKey, string ConnectionId), Entry> _entries = new();
    private readonly ConnectionChanges _changes;
    private readonly TimeProvider _timeProvider;

    public ProxyTargets(ConnectionChanges changes, TimeProvider timeProvider)
    {
        _changes = changes;
        _timeProvider = timeProvider;
    }

    /// <summary>The generation to pass to <see cref="Keep"/>: read it before reading the database.</summary>
    public long Generation => _changes.Generation;

    public bool TryGet(long environmentId, string providerConfigKey, string connectionId, out ProxyTarget target)
    {
        if (_entries.TryGetValue((environmentId, providerConfigKey, connectionId), out var entry)
            && entry.Generation == _changes.Generation
            && _timeProvider.GetUtcNow() - entry.KeptAt < TimeToLive)
        {
            target = entry.Target;
            return true;
        }

        target = null!;
        return false;
    }

    /// <param name="generation">The <see cref="Generation"/> read before the target was read from the database.</param>
    public void Keep(long environmentId, string providerConfigKey, string connectionId, ProxyTarget target, long generation)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (generation != _changes.Generation)
        {
            return; // Something changed while the caller read: what it read may be stale already.
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[(environmentId, providerConfigKey, connectionId)] = new Entry(target, generation, _timeProvider.GetUtcNow());
    }

    private sealed record Entry(ProxyTarget Target, long Generation, DateTimeOffset KeptAt);
}

/// <summary>A connection as a proxy call uses it: its integration, itself and its credentials with what they add to a request.</summary>
public sealed record ProxyTarget(Integration Integration, Connection Connection, FreshCredentials Credentials, AppliedCredentials Applied);
