using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Engine;

namespace Tributary.Core.Tests.Engine;

/// <summary>A worker hands its memory back once it has gone quiet after work (<see cref="WorkerRest"/>).</summary>
public sealed class WorkerRestTests
{
    private readonly FakeTimeProvider _time = new();
    private int _released;

    [Fact]
    public void AfterWork_ReleasesOnceTheQueueHasBeenQuietLongEnough_AndOnlyOnce()
    {
        var rest = Rest();
        rest.Observe(claimed: 5, running: 5);
        rest.Observe(claimed: 0, running: 2);
        _time.Advance(TimeSpan.FromSeconds(5));
        rest.Observe(claimed: 0, running: 0); // the first empty claim with nothing running: quiet starts now
        Assert.Equal(0, _released);

        _time.Advance(WorkerRest.Quiet - TimeSpan.FromMilliseconds(1));
        rest.Observe(claimed: 0, running: 0);
        Assert.Equal(0, _released);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        rest.Observe(claimed: 0, running: 0);
        Assert.Equal(1, _released);

        // Resting on: nothing more to hand back until there was work again.
        _time.Advance(WorkerRest.Spacing * 3);
        rest.Observe(claimed: 0, running: 0);
        Assert.Equal(1, _released);
    }

    [Fact]
    public void AnIdleWorkerThatNeverWorked_ReleasesNothing()
    {
        var rest = Rest();
        for (var i = 0; i < 10; i++)
        {
            rest.Observe(claimed: 0, running: 0);
            _time.Advance(WorkerRest.Spacing);
        }

        Assert.Equal(0, _released);
    }

    [Fact]
    public void UnderSteadyWork_ReleasesAtMostOncePerSpacing_AndNeverWhileARunIsInProgress()
    {
        var rest = Rest();
        var step = WorkerRest.Quiet + TimeSpan.FromMilliseconds(100);
        var elapsed = TimeSpan.Zero;
        while (elapsed < WorkerRest.Spacing * 2)
        {
            // A run every step, a quiet pause after each long enough to count as resting.
            rest.Observe(claimed: 1, running: 1);
            rest.Observe(claimed: 0, running: 0);
            _time.Advance(step);
            elapsed += step;
            rest.Observe(claimed: 0, running: 0);
        }

        Assert.Equal(2, _released);

        // A run holding its slot is work, however long it takes.
        var busy = Rest();
        busy.Observe(claimed: 1, running: 1);
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(WorkerRest.Spacing);
            busy.Observe(claimed: 0, running: 1);
        }

        Assert.Equal(2, _released);
    }

    private WorkerRest Rest() => new(_time, () => _released++);
}
