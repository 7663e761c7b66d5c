using Tributary.Core.Webhooks;

namespace Tributary.Core.Tests.Webhooks;

/// <summary>The delivery workers' poll: the configured interval while there is work, longer while the outbox stays empty.</summary>
public sealed class IdlePollTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void Wait_DoublesAfterEachClaimThatFoundNothing_UpToFourIntervals()
    {
        var poll = new IdlePoll(Interval);
        var waits = new List<TimeSpan> { poll.Wait };
        for (var i = 0; i < 4; i++)
        {
            poll.After(foundNothing: true, woken: false);
            waits.Add(poll.Wait);
        }

        Assert.Equal([Interval, Interval * 2, Interval * 4, Interval * 4, Interval * 4], waits);
    }

    [Theory]
    [InlineData(false, false)] // deliveries were claimed (or the claim failed and is retried)
    [InlineData(true, true)] // nothing was due, but this process made work and woke the loop
    [InlineData(false, true)]
    public void Wait_ComesBackToTheInterval_WhenWorkWasFoundOrTheLoopWasWoken(bool foundNothing, bool woken)
    {
        var poll = new IdlePoll(Interval);
        poll.After(foundNothing: true, woken: false);
        poll.After(foundNothing: true, woken: false);
        Assert.Equal(Interval * 4, poll.Wait);

        poll.After(foundNothing, woken);

        Assert.Equal(Interval, poll.Wait);
    }
}
