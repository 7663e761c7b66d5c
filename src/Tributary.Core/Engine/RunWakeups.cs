using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Wakes workers after runs were queued (or a connection's syncs became due): this process's idle workers through
/// <see cref="WorkSignal"/>, and those of other processes sharing the database through <see cref="IRunWakeups"/>.
/// Call it after the queueing transaction committed, so a woken worker finds the runs.
/// </summary>
public sealed class RunWakeups
{
    private readonly WorkSignal _signal;
    private readonly IRunWakeups _others;

    public RunWakeups(WorkSignal signal, IRunWakeups others)
    {
        _signal = signal;
        _others = others;
    }

    public async Task WakeAsync(CancellationToken cancellationToken)
    {
        _signal.Notify();
        await _others.PublishAsync(cancellationToken);
    }
}
