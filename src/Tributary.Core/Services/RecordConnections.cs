using Tributary.Core.Credentials;

namespace Tributary.Core.Services;

/// <summary>
/// The database id of the connection a <c>GET /records</c> names, kept for a second
/// (<see cref="ConnectionKeyedCache{TValue}"/>): a client paging a dataset asks for the same connection hundreds of
/// times a second, and resolving it was one query (a join) per page before the page's own query.
/// </summary>
/// <remarks>Another process's delete is seen within <see cref="TimeToLive"/>; meanwhile the stale id reads no rows,
/// since a connection's records go with it, and the page query checks that the id still belongs to the environment,
/// integration and connection it was kept for (SQLite reuses the highest row id).</remarks>
public sealed class RecordConnections : ConnectionKeyedCache<long>
{
    public static readonly TimeSpan TimeToLive = ConnectionCacheLimits.TimeToLive;

    public RecordConnections(ConnectionChanges changes, TimeProvider timeProvider)
        : base(changes, timeProvider)
    {
    }
}
