using Tributary.Core.Engine;

namespace Tributary.Core.Tests.Engine;

public sealed class OrphanedLeasesTests
{
    [Theory]
    [InlineData("host:4242:abc", true)] // a process of this host that is gone
    [InlineData("host:100:abc", true)] // our own pid under another instance: a restarted container's predecessor
    [InlineData("host:7:abc", false)] // alive: keeps its runs (an API process beside a worker, or a second worker)
    [InlineData("other:4242:abc", false)] // another host: only its lease expiry tells
    [InlineData("my:host:4242:abc", false)] // machine names are compared whole
    [InlineData("host:x:abc", false)]
    [InlineData("garbage", false)]
    public void IsDead_OnlyForProcessesOfThisHostThatAreGone(string owner, bool dead) =>
        Assert.Equal(dead, OrphanedLeases.IsDead(owner, "host", 100, pid => pid == 7));
}
