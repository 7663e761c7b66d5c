using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Configuration;
using Tributary.Core.Declarative;

namespace Tributary.Core.Tests.Declarative;

public sealed class RestWatermarkTests
{
    private static readonly RestIncremental Incremental = new("updated_at", "since", TimeSpan.FromMinutes(10));

    [Fact]
    public void FirstRun_SendsNothing_AndKeepsTheHighestTimestampSeen()
    {
        var watermark = new RestWatermark(Incremental, []);

        Observe(watermark, "2024-01-01T10:00:00Z", "2024-01-03T09:00:00Z", "2024-01-02T00:00:00Z");

        Assert.Null(watermark.Since());
        Assert.True(watermark.Advanced);
        Assert.Equal("2024-01-03T09:00:00Z", watermark.Highest);
    }

    [Fact]
    public void NextRun_SendsTheStoredValueLessTheLookback_ButNeverStoresLess()
    {
        var watermark = new RestWatermark(Incremental, new JsonObject { ["since"] = "2024-01-03T09:00:00Z" });

        Observe(watermark, "2024-01-03T08:55:00Z");

        Assert.Equal("2024-01-03T08:50:00Z", watermark.Since());
        Assert.False(watermark.Advanced); // a late record inside the window does not move the stored value back
        Assert.Equal("2024-01-03T09:00:00Z", watermark.Highest);
    }

    [Fact]
    public void Timestamps_CompareByTime_NotByText()
    {
        var watermark = new RestWatermark(Incremental, []);

        Observe(watermark, "2024-01-03T10:00:00+02:00", "2024-01-03T09:30:00Z");

        Assert.Equal("2024-01-03T09:30:00Z", watermark.Highest); // 10:00+02:00 is 08:00Z
    }

    [Fact]
    public void Numbers_CompareByValue_AndAreSentAsStored()
    {
        var watermark = new RestWatermark(Incremental with { Field = "version" }, new JsonObject { ["since"] = 9 });

        foreach (var version in new[] { 10, 120, 99 })
        {
            watermark.Observe(JsonSerializer.SerializeToElement(new { version }));
        }

        Assert.Equal("9", watermark.Since());
        Assert.Equal("120", watermark.Highest);
    }

    private static void Observe(RestWatermark watermark, params string[] values)
    {
        foreach (var value in values)
        {
            watermark.Observe(JsonSerializer.SerializeToElement(new { updated_at = value }));
        }
    }
}
