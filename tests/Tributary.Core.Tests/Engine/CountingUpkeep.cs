using Tributary.Core.Ports;

namespace Tributary.Core.Tests.Engine;

/// <summary>Counts the scheduler's upkeep calls; <see cref="OnCall"/> runs inside each (to observe or to fail).</summary>
internal sealed class CountingUpkeep : ISchedulerUpkeep
{
    public int Calls { get; private set; }

    public Action? OnCall { get; set; }

    public Task AfterBurstAsync(CancellationToken cancellationToken)
    {
        Calls++;
        OnCall?.Invoke();
        return Task.CompletedTask;
    }
}
