namespace Tributary.Core.Engine;

/// <summary>
/// Hands memory back to the machine once this worker has gone from running syncs to running none: after
/// <see cref="Quiet"/> with its queue empty and no run in progress, it releases once (<see cref="ProcessMemory.Release"/>),
/// at most once per <see cref="Spacing"/>.
/// </summary>
/// <remarks>
/// Why: the GC keeps the heap it grew for the work (a drain of 10,000 runs left ~23 MB committed for ~5 MB live) and
/// glibc keeps the native memory SQLite and the runtime freed in its arenas, so a resting worker stayed at what its
/// busiest moment needed (docs/benchmarks.md, mem). A resting worker has nothing better to do with a few milliseconds;
/// under steady work the release waits for a pause of <see cref="Quiet"/> and happens at most once per
/// <see cref="Spacing"/>, so a busy worker never pays for it.
/// </remarks>
public sealed class WorkerRest
{
    /// <summary>How long the queue must have been empty, with nothing running, before the worker counts as resting.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);

    /// <summary>The least time between two releases.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _timeProvider;
    private readonly Action _release;
    private long? _idleSince;
    private long? _releasedAt;
    private bool _workedSinceRelease;

    public WorkerRest(TimeProvider timeProvider)
        : this(timeProvider, () => ProcessMemory.Release())
    {
    }

    /// <summary>For tests: <paramref name="release"/> instead of the process-wide release.</summary>
    internal WorkerRest(TimeProvider timeProvider, Action release)
    {
        _timeProvider = timeProvider;
        _release = release;
    }

    /// <summary>Releases done so far (for tests and diagnostics).</summary>
    public int Releases { get; private set; }

    /// <summary>Called by the worker's loop after every claim: <paramref name="claimed"/> runs taken, <paramref name="running"/> in progress.</summary>
    public void Observe(int claimed, int running)
    {
        var now = _timeProvider.GetTimestamp();
        if (claimed > 0 || running > 0)
        {
            _workedSinceRelease = true;
            _idleSince = null;
            return;
        }

        _idleSince ??= now;
        if (!_workedSinceRelease
            || _timeProvider.GetElapsedTime(_idleSince.Value, now) < Quiet
            || (_releasedAt is { } released && _timeProvider.GetElapsedTime(released, now) < Spacing))
        {
            return;
        }

        _workedSinceRelease = false;
        _releasedAt = now;
        Releases++;
        _release();
    }
}
