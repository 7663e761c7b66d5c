using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;

namespace Tributary.Core.Tests.Webhooks;

/// <summary>
/// Where the delivery worker's claims start (<see cref="DeliveryClaimCursor"/>): past the last full claim, and from
/// the start after a short claim, after a failed one and at least once per interval, so that a delivery left behind
/// the cursor (handed back, its lease expired, committed late) is claimed again.
/// </summary>
public sealed class DeliveryClaimCursorTests
{
    private static readonly TimeSpan FullPassEvery = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void AClaimThatCameBackFull_IsFollowedByOnePastItsLastDelivery_InTheDueOrder()
    {
        var cursor = new DeliveryClaimCursor(new FakeTimeProvider(), FullPassEvery);
        Assert.Equal(ClaimCursor.Start, cursor.Next());

        // Returned in id order; the last in the due order is the one due latest, not the highest id.
        cursor.Claimed([Claimed(id: 7, nextAttemptAt: 100), Claimed(id: 8, nextAttemptAt: 90), Claimed(id: 9, nextAttemptAt: 100)], wanted: 3);
        Assert.Equal(new ClaimCursor(100, 9), cursor.Next());

        cursor.Claimed([Claimed(id: 3, nextAttemptAt: 150), Claimed(id: 10, nextAttemptAt: 120)], wanted: 2);
        Assert.Equal(new ClaimCursor(150, 3), cursor.Next());
    }

    [Fact]
    public void AShortClaim_OrAFailedOne_StartsTheNextClaimOver()
    {
        var cursor = new DeliveryClaimCursor(new FakeTimeProvider(), FullPassEvery);
        cursor.Next();
        cursor.Claimed([Claimed(id: 1, nextAttemptAt: 10), Claimed(id: 2, nextAttemptAt: 10)], wanted: 2);
        Assert.Equal(new ClaimCursor(10, 2), cursor.Next());

        cursor.Claimed([Claimed(id: 3, nextAttemptAt: 10)], wanted: 2);
        Assert.Equal(ClaimCursor.Start, cursor.Next());

        cursor.Claimed([Claimed(id: 4, nextAttemptAt: 10)], wanted: 1);
        Assert.Equal(new ClaimCursor(10, 4), cursor.Next());
        cursor.Reset();
        Assert.Equal(ClaimCursor.Start, cursor.Next());
    }

    [Fact]
    public void WhileClaimsComeBackFull_OneStartsOverOncePerInterval()
    {
        var time = new FakeTimeProvider();
        var cursor = new DeliveryClaimCursor(time, FullPassEvery);
        Assert.Equal(ClaimCursor.Start, cursor.Next());
        cursor.Claimed([Claimed(id: 1, nextAttemptAt: 10)], wanted: 1);

        time.Advance(FullPassEvery - TimeSpan.FromMilliseconds(1));
        Assert.Equal(new ClaimCursor(10, 1), cursor.Next());
        cursor.Claimed([Claimed(id: 2, nextAttemptAt: 10)], wanted: 1);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(ClaimCursor.Start, cursor.Next());
        cursor.Claimed([Claimed(id: 1, nextAttemptAt: 10)], wanted: 1);

        // The interval counts from that full pass.
        time.Advance(FullPassEvery - TimeSpan.FromMilliseconds(1));
        Assert.Equal(new ClaimCursor(10, 1), cursor.Next());
    }

    private static ClaimedDelivery Claimed(long id, long nextAttemptAt) =>
        new(new DeliveryLease(id, "w", 1), 1, "http://127.0.0.1:9/hook", "{}", nextAttemptAt, nextAttemptAt);
}
