using System.Collections.Concurrent;

namespace Tributary.Core.Engine;

/// <summary>
/// Counts, per run, the transient storage errors in a row that sent it back to the queue from this process, so
/// each hand-back waits longer than the last (a database that stays down is not hammered by the same run).
/// </summary>
internal sealed class TransientHandBacks
{
    /// <summary>Runs remembered at most; past it the counts start again (a longer wait is an optimisation only).</summary>
    private const int MaxRuns = 10_000;

    private readonly ConcurrentDictionary<long, int> _failures = new();

    /// <summary>Records one more transient failure of the run; returns how many in a row.</summary>
    public int Record(long runId)
    {
        if (_failures.Count >= MaxRuns)
        {
            _failures.Clear();
        }

        return _failures.AddOrUpdate(runId, 1, (_, count) => count + 1);
    }

    /// <summary>The run ended in a way that is not a transient failure: its count starts again.</summary>
    public void Forget(long runId) => _failures.TryRemove(runId, out _);
}
