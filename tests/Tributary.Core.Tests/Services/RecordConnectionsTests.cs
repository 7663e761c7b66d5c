using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Credentials;
using Tributary.Core.Services;

namespace Tributary.Core.Tests.Services;

/// <summary>The records read path's cache of connection ids: fresh for its time to live, per environment, dropped on any change in this process.</summary>
public sealed class RecordConnectionsTests
{
    [Fact]
    public void AKeptId_IsServedUntilItsTimeToLiveEnds()
    {
        var (cache, _, time) = Build();
        cache.Keep(1, "gh", "c1", 42, cache.Generation);

        time.Advance(RecordConnections.TimeToLive - TimeSpan.FromMilliseconds(1));
        Assert.True(cache.TryGet(1, "gh", "c1", out var hit));
        Assert.Equal(42, hit);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(cache.TryGet(1, "gh", "c1", out _));
    }

    [Fact]
    public void AnId_IsNeverServedToAnotherEnvironment_OrForAnotherConnection()
    {
        var (cache, _, _) = Build();
        cache.Keep(1, "gh", "c1", 42, cache.Generation);

        Assert.False(cache.TryGet(2, "gh", "c1", out _));
        Assert.False(cache.TryGet(1, "hs", "c1", out _));
        Assert.False(cache.TryGet(1, "gh", "c2", out _));
    }

    [Fact]
    public void AChangeInThisProcess_DropsEveryKeptId_AtOnce()
    {
        var (cache, changes, _) = Build();
        cache.Keep(1, "gh", "c1", 42, cache.Generation);

        changes.Changed();

        Assert.False(cache.TryGet(1, "gh", "c1", out _));
    }

    [Fact]
    public void AnIdReadWhileSomethingChanged_IsNotKept()
    {
        var (cache, changes, _) = Build();
        var before = cache.Generation;

        changes.Changed(); // e.g. the connection was deleted between the read and the Keep
        cache.Keep(1, "gh", "c1", 42, before);

        Assert.False(cache.TryGet(1, "gh", "c1", out _));
    }

    private static (RecordConnections Cache, ConnectionChanges Changes, FakeTimeProvider Time) Build()
    {
        var changes = new ConnectionChanges();
        var time = new FakeTimeProvider();
        return (new RecordConnections(changes, time), changes, time);
    }
}
