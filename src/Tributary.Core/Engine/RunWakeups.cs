using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Wakes workers after runs were queued (or a connection's syncs became due), and schedulers after schedules were
/// started: this process's through <see cref="WorkSignal"/> and <see cref="SchedulerSignal"/>, those of other
/// processes sharing the database through <see cref="IRunWakeups"/>. Call it after the transaction committed, so a
/// woken worker or scheduler finds what it was woken for.
/// </summary>
public sealed class RunWakeups
{
    private readonly WorkSignal _signal;
    private readonly SchedulerSignal _scheduler;
    private readonly IRunWakeups _others;

    public RunWakeups(WorkSignal signal, SchedulerSignal scheduler, IRunWakeups others)
    {
        _signal = signal;
        _scheduler = scheduler;
        _others = others;
    }

    public async Task WakeAsync(CancellationToken cancellationToken)
    {
        _signal.Notify();
        await _others.PublishAsync(cancellationToken);
    }

    /// <summary>Schedules were started: the scheduler queues the due ones now rather than at its next tick.</summary>
    public async Task WakeSchedulersAsync(CancellationToken cancellationToken)
    {
        _scheduler.Notify();
        await _others.PublishSchedulesAsync(cancellationToken);
    }
}
