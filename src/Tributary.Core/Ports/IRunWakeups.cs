namespace Tributary.Core.Ports;

/// <summary>
/// Tells workers in other processes that runs were queued, after the queueing transaction committed
/// (PostgreSQL NOTIFY). In-process workers are woken by <see cref="Engine.WorkSignal"/> directly.
/// </summary>
public interface IRunWakeups
{
    Task PublishAsync(CancellationToken cancellationToken);
}
