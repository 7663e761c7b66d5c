using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Tests.Engine;

/// <summary>
/// The scheduler ticks every interval, and at once when schedules are started: a mass start after an outage is
/// queued from the moment of the start, not up to a tick later (B10's burst counts from the start request).
/// </summary>
public sealed class SchedulerWakeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartedSchedules_WakeTheScheduler_BeforeItsNextTick()
    {
        var (scheduler, signal, ticks, time) = Build();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var loop = scheduler.RunAsync(stop.Token);

        await ticks.Reader.ReadAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Token); // the first tick, at start

        // The fake clock never moves: only the signal can bring the next tick.
        await new RunWakeups(new WorkSignal(), signal, new NoWakeups()).WakeSchedulersAsync(Token);
        await ticks.Reader.ReadAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Token);

        Assert.Equal(TimeSpan.Zero, time.GetUtcNow() - time.Start);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(5), Token);
    }

    [Fact]
    public async Task WithoutAWakeUp_TheNextTickComesAfterTheInterval()
    {
        var (scheduler, _, ticks, time) = Build();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var loop = scheduler.RunAsync(stop.Token);
        await ticks.Reader.ReadAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Token);

        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, Token); // a real pause: nothing may tick
        Assert.False(ticks.Reader.TryRead(out _));

        time.Advance(new EngineOptions().SchedulerInterval);
        await ticks.Reader.ReadAsync(Token).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Token);

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(5), Token);
    }

    private static (SyncScheduler Scheduler, SchedulerSignal Signal, Channel<int> Ticks, FakeTimeProvider Time) Build()
    {
        var time = new FakeTimeProvider();
        var signal = new SchedulerSignal();
        var ticks = Channel.CreateUnbounded<int>();
        var queue = new ScriptedRunQueue
        {
            EnqueueDue = _ =>
            {
                ticks.Writer.TryWrite(1);
                return 0;
            },
        };
        var scheduler = new SyncScheduler(
            queue,
            new RunWakeups(new WorkSignal(), signal, new NoWakeups()),
            new SchedulerBurst(time),
            new CountingUpkeep(),
            signal,
            new EngineOptions(),
            time,
            NullLogger<SyncScheduler>.Instance);
        return (scheduler, signal, ticks, time);
    }

    private sealed class NoWakeups : IRunWakeups
    {
        public Task PublishAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PublishSchedulesAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
