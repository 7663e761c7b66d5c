using Tributary.Core.Engine;
using Tributary.Sdk;

namespace Tributary.Core.Tests.Engine;

public sealed class RunCountsTests
{
    [Fact]
    public void Preview_DoesNotChangeCountsUntilApplied()
    {
        var counts = new RunCounts(["Contact"], null);

        var preview = counts.Preview("Contact", new BatchResult(3, 1, 0, 5));

        Assert.Equal("""{"Contact":{"added":3,"updated":1,"deleted":0}}""", preview);
        Assert.Equal("""{"Contact":{"added":0,"updated":0,"deleted":0}}""", counts.ToJson());
    }

    [Fact]
    public void Constructor_WithStoredResult_ContinuesFromWhatAnEarlierAttemptCommitted()
    {
        var counts = new RunCounts(["Contact", "Deal"], """{"Contact":{"added":40,"updated":2,"deleted":1}}""");

        counts.Apply("Contact", new BatchResult(10, 0, 0, 0));
        counts.Apply("Deal", new BatchResult(0, 0, 4, 0));

        Assert.Equal("""{"Contact":{"added":50,"updated":2,"deleted":1},"Deal":{"added":0,"updated":0,"deleted":4}}""", counts.ToJson());
    }
}
