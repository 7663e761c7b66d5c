using System.Collections.Concurrent;

namespace Tributary.Core.Engine;

/// <summary>
/// Cancels runs executing in this process at once when they are cancelled, reset or their connection deleted.
/// Runs in other processes learn it at their next heartbeat; their writes are refused by the fence meanwhile.
/// </summary>
public sealed class RunCancellations
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _bySync = new(StringComparer.Ordinal);

    internal void Register(string syncId, CancellationTokenSource source) => _bySync[syncId] = source;

    internal void Unregister(string syncId, CancellationTokenSource source) =>
        _bySync.TryRemove(new KeyValuePair<string, CancellationTokenSource>(syncId, source));

    public void CancelSync(string syncId)
    {
        if (_bySync.TryGetValue(syncId, out var source))
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run finished in the meantime.
            }
        }
    }
}
