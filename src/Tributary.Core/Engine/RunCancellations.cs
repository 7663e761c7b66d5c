using System.Collections.Concurrent;

namespace Tributary.Core.Engine;

/// <summary>
/// Cancels runs executing in this process at once when they are cancelled, reset, paused or their sync deleted.
/// Runs in other processes learn it at their next heartbeat; their writes are refused by the fence meanwhile.
/// </summary>
/// <remarks>
/// Keyed by run id, never by sync: a sync can have a running run and a queued one, and a reset's restart can be
/// claimed here before the reset's caller gets to cancel the run it replaced. Callers pass only the ids their
/// statement moved from running to cancelled, so a finished or queued run cancels nothing here, and a restart is
/// never hit by the cancellation of the run before it.
/// </remarks>
public sealed class RunCancellations
{
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _byRun = new();

    internal void Register(long runId, CancellationTokenSource source) => _byRun[runId] = source;

    internal void Unregister(long runId, CancellationTokenSource source) =>
        _byRun.TryRemove(new KeyValuePair<long, CancellationTokenSource>(runId, source));

    /// <summary>Stops the run if it executes in this process; nothing otherwise.</summary>
    public void Cancel(long runId)
    {
        if (_byRun.TryGetValue(runId, out var source))
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

    /// <summary>Stops each of the runs that executes in this process.</summary>
    public void Cancel(IEnumerable<long> runIds)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        foreach (var runId in runIds)
        {
            Cancel(runId);
        }
    }
}
