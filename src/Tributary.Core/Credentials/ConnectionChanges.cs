namespace Tributary.Core.Credentials;

/// <summary>
/// This process's count of writes that change what a proxy call resolves a connection to: a refresh (stored or
/// failed), a reconnect's override, a deleted connection, an integration updated or deleted. A cache of resolved
/// connections (<see cref="Services.ProxyTargets"/>) serves an entry only while the count is the one it read before
/// filling it, so such a write takes effect at once in the process that made it.
/// </summary>
/// <remarks>One counter for every connection: these writes are rare next to proxy calls, and a miss costs one read.</remarks>
public sealed class ConnectionChanges
{
    private long _generation;

    public long Generation => Interlocked.Read(ref _generation);

    public void Changed() => Interlocked.Increment(ref _generation);
}
