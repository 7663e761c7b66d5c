using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Credentials;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Services;

namespace Tributary.Core.Tests.Services;

/// <summary>The proxy's cache of resolved connections: served within its time to live, never across environments, dropped on any change in this process.</summary>
public sealed class ProxyTargetsTests
{
    [Fact]
    public void AKeptTarget_IsServedUntilItsTimeToLiveEnds()
    {
        var (targets, _, time) = Build();
        var target = Target();
        targets.Keep(1, "gh", "c1", target, targets.Generation);

        time.Advance(ProxyTargets.TimeToLive - TimeSpan.FromMilliseconds(1));
        Assert.True(targets.TryGet(1, "gh", "c1", out var hit));
        Assert.Same(target, hit);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(targets.TryGet(1, "gh", "c1", out _));
    }

    [Fact]
    public void ATarget_IsNeverServedToAnotherEnvironment_OrForAnotherConnection()
    {
        var (targets, _, _) = Build();
        targets.Keep(1, "gh", "c1", Target(), targets.Generation);

        Assert.False(targets.TryGet(2, "gh", "c1", out _));
        Assert.False(targets.TryGet(1, "hs", "c1", out _));
        Assert.False(targets.TryGet(1, "gh", "c2", out _));
    }

    [Fact]
    public void AChangeInThisProcess_DropsEveryKeptTarget_AtOnce()
    {
        var (targets, changes, _) = Build();
        targets.Keep(1, "gh", "c1", Target(), targets.Generation);

        changes.Changed();

        Assert.False(targets.TryGet(1, "gh", "c1", out _));
    }

    [Fact]
    public void ATargetReadWhileSomethingChanged_IsNotKept()
    {
        var (targets, changes, _) = Build();
        var before = targets.Generation;

        changes.Changed(); // e.g. the connection was deleted between the caller's read and its Keep
        targets.Keep(1, "gh", "c1", Target(), before);

        Assert.False(targets.TryGet(1, "gh", "c1", out _));
    }

    private static (ProxyTargets Targets, ConnectionChanges Changes, FakeTimeProvider Time) Build()
    {
        var changes = new ConnectionChanges();
        var time = new FakeTimeProvider();
        return (new ProxyTargets(changes, time), changes, time);
    }

    private static ProxyTarget Target()
    {
        var integration = new Integration(1, 1, "gh", "github", null, null, 0, 0);
        var connection = new Connection(1, 1, 1, "gh", "github", "c1", "API_KEY", [], "{}", 0, 0);
        var stored = new StoredCredentials(1, 1, "gh", "c1", "github", null, [], "{}", null, RefreshStatus.None);
        var credentials = new FreshCredentials(stored, new JsonObject { ["type"] = "API_KEY", ["apiKey"] = "k-123456" }, [], null);
        return new ProxyTarget(integration, connection, credentials, CredentialApplier.Compute(credentials));
    }
}
