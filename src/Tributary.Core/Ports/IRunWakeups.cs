namespace Tributary.Core.Ports;

/// <summary>
/// Tells other processes sharing the database that there is work, after the transaction that made it committed
/// (PostgreSQL NOTIFY; on SQLite a watched file, for started schedules only). In-process workers and schedulers are woken by <see cref="Engine.WorkSignal"/> and
/// <see cref="Engine.SchedulerSignal"/> directly.
/// </summary>
public interface IRunWakeups
{
    /// <summary>Runs were queued: idle workers elsewhere claim them now instead of at their next poll.</summary>
    Task PublishAsync(CancellationToken cancellationToken);

    /// <summary>Schedules were started: schedulers elsewhere tick now instead of at their next tick.</summary>
    Task PublishSchedulesAsync(CancellationToken cancellationToken);
}
