using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Tests.Engine;

public sealed class LeaseHeartbeatTests
{
    private static readonly EngineOptions Options = new() { LeaseDuration = TimeSpan.FromSeconds(30) };
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task HeartbeatsThatFail_AreRetried_AndHeartbeatingGoesOnOnceOneSucceeds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new ScriptedRunQueue();
        store.ScriptHeartbeats(ScriptedRunQueue.Throws, ScriptedRunQueue.Throws, ScriptedRunQueue.Throws);
        using var leaseLost = new CancellationTokenSource();
        using var stop = new CancellationTokenSource();
        var heartbeat = Start(store, time, leaseLost, stop.Token);

        // Three failures, then a success, then the ordinary rhythm: well over two leases of fake time.
        await Clock.AdvanceUntilAsync(time, Step, TimeSpan.FromSeconds(90), () => store.Heartbeats >= 10);
        await stop.CancelAsync();
        await heartbeat.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.False(leaseLost.IsCancellationRequested);
        Assert.True(store.Heartbeats >= 10);
    }

    [Fact]
    public async Task AFailedHeartbeat_IsRetriedSoonerThanTheNextRegularOne_SoTheLeaseNeverLapses()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new ScriptedRunQueue();
        store.ScriptHeartbeats(ScriptedRunQueue.Throws, ScriptedRunQueue.Throws);
        using var leaseLost = new CancellationTokenSource();
        using var stop = new CancellationTokenSource();
        var start = Micros.Now(time);
        var heartbeat = Start(store, time, leaseLost, stop.Token);

        await Clock.AdvanceUntilAsync(time, Step, TimeSpan.FromSeconds(30), () => store.Heartbeats >= 3);
        await stop.CancelAsync();
        await heartbeat.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // The first heartbeat is due after a third of the lease; the two retries come within seconds of it.
        var third = store.HeartbeatExpiries.ElementAt(2) - (Options.LeaseDuration.Ticks / 10) - start;
        Assert.InRange(third, Options.HeartbeatInterval.Ticks / 10, (Options.HeartbeatInterval + TimeSpan.FromSeconds(5)).Ticks / 10);
        Assert.False(leaseLost.IsCancellationRequested);
    }

    [Fact]
    public async Task TheStoreAnsweringThatTheLeaseIsLost_CancelsTheRun()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new ScriptedRunQueue();
        store.ScriptHeartbeats(() => true, () => false);
        using var leaseLost = new CancellationTokenSource();
        using var stop = new CancellationTokenSource();
        var heartbeat = Start(store, time, leaseLost, stop.Token);

        await Clock.AdvanceUntilAsync(time, Step, TimeSpan.FromSeconds(60), () => leaseLost.IsCancellationRequested);
        await heartbeat.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(2, store.Heartbeats);
    }

    [Fact]
    public async Task HeartbeatsFailingUntilTheLeaseExpires_CancelTheRun_NotBefore()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = new ScriptedRunQueue { HeartbeatAfterScript = ScriptedRunQueue.Throws };
        using var leaseLost = new CancellationTokenSource();
        using var stop = new CancellationTokenSource();
        var start = time.GetUtcNow();
        var heartbeat = Start(store, time, leaseLost, stop.Token);

        await Clock.AdvanceAsync(time, Step, Options.LeaseDuration - TimeSpan.FromSeconds(1));
        Assert.False(leaseLost.IsCancellationRequested);
        Assert.True(store.Heartbeats > 3, $"only {store.Heartbeats} heartbeats were tried");

        await Clock.AdvanceUntilAsync(time, Step, TimeSpan.FromSeconds(5), () => leaseLost.IsCancellationRequested);
        await heartbeat.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.InRange(time.GetUtcNow() - start, Options.LeaseDuration, Options.LeaseDuration + TimeSpan.FromSeconds(1));
    }

    private static Task Start(ScriptedRunQueue store, FakeTimeProvider time, CancellationTokenSource leaseLost, CancellationToken stop)
    {
        var heartbeat = new LeaseHeartbeat(store, Options, time, NullLogger.Instance);
        var expiresAt = Micros.Now(time) + (Options.LeaseDuration.Ticks / 10);
        return heartbeat.RunAsync(new RunFence(42, 7), expiresAt, leaseLost, stop);
    }
}
