using Tributary.Core.Engine;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Wakes this process's delivery workers when a completion wrote deliveries, a delivery finished (the next one of
/// its connection may go now) or one was retried by hand. Deliveries written by other processes are found by the poll (<see cref="IdlePoll"/>).
/// </summary>
public sealed class WebhookSignal : IDisposable
{
    private readonly WorkSignal _signal = new();

    public void Notify() => _signal.Notify();

    public Task<bool> WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        _signal.WaitAsync(timeout, timeProvider, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
