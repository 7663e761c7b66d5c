namespace Tributary.Core.Engine;

/// <summary>
/// Wakes this process's scheduler at once when schedules were started (here, or in another process through
/// <see cref="Ports.IRunWakeups.PublishSchedulesAsync"/>), instead of at its next tick: a mass start after an outage
/// is queued from the first second, not up to a tick later. Pokes while a tick runs collapse into one more tick.
/// </summary>
public sealed class SchedulerSignal : IDisposable
{
    private readonly WorkSignal _signal = new();

    public void Notify() => _signal.Notify();

    /// <returns>True when woken by a signal, false when the timeout (the tick interval) passed.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        _signal.WaitAsync(timeout, timeProvider, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
