using Tributary.Core.Scheduling;

namespace Tributary.Core.Tests.Scheduling;

public class SyncFrequencyTests
{
    private const double Second = 1000;
    private const double Minute = 60 * Second;
    private const double Hour = 60 * Minute;
    private const double Day = 24 * Hour;

    [Theory]
    [InlineData("every half day", 12 * Hour)]
    [InlineData("every half hour", 30 * Minute)]
    [InlineData("every quarter hour", 15 * Minute)]
    [InlineData("every hour", Hour)]
    [InlineData("every day", Day)]
    [InlineData("every month", 30 * Day)]
    [InlineData("every week", 7 * Day)]
    public void TryParse_SpecialPhrase_ReturnsItsInterval(string text, double expectedMilliseconds)
    {
        Assert.True(SyncFrequency.TryParse(text, out var interval));
        Assert.Equal(expectedMilliseconds, interval.TotalMilliseconds);
    }

    [Theory]
    [InlineData("1h", Hour)]
    [InlineData("30m", 30 * Minute)]
    [InlineData("2 days", 2 * Day)]
    [InlineData("every 5 minutes", 5 * Minute)]
    [InlineData("every 30s", 30 * Second)]
    [InlineData("every 1h", Hour)]
    public void TryParse_NumberAndUnit_ReturnsInterval(string text, double expectedMilliseconds)
    {
        Assert.True(SyncFrequency.TryParse(text, out var interval));
        Assert.Equal(expectedMilliseconds, interval.TotalMilliseconds);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2 msec", 2)]
    [InlineData("3 msecs", 3)]
    [InlineData("1 millisecond", 1)]
    [InlineData("100 milliseconds", 100)]
    [InlineData("1s", Second)]
    [InlineData("1sec", Second)]
    [InlineData("10secs", 10 * Second)]
    [InlineData("1 second", Second)]
    [InlineData("45 seconds", 45 * Second)]
    [InlineData("1m", Minute)]
    [InlineData("1min", Minute)]
    [InlineData("2mins", 2 * Minute)]
    [InlineData("1 minute", Minute)]
    [InlineData("90 minutes", 90 * Minute)]
    [InlineData("1h", Hour)]
    [InlineData("1hr", Hour)]
    [InlineData("2 hrs", 2 * Hour)]
    [InlineData("1 hour", Hour)]
    [InlineData("3 hours", 3 * Hour)]
    [InlineData("1d", Day)]
    [InlineData("1 day", Day)]
    [InlineData("4 days", 4 * Day)]
    [InlineData("1w", 7 * Day)]
    [InlineData("1 week", 7 * Day)]
    [InlineData("2 weeks", 14 * Day)]
    [InlineData("1y", 365.25 * Day)]
    [InlineData("1 yr", 365.25 * Day)]
    [InlineData("2 yrs", 730.5 * Day)]
    [InlineData("1 year", 365.25 * Day)]
    [InlineData("2 years", 730.5 * Day)]
    public void TryParse_EveryMsUnit_UsesMsLengths(string text, double expectedMilliseconds)
    {
        Assert.True(SyncFrequency.TryParse(text, out var interval));
        Assert.Equal(expectedMilliseconds, interval.TotalMilliseconds);
    }

    [Theory]
    [InlineData("1H", Hour)]
    [InlineData("5 MINUTES", 5 * Minute)]
    [InlineData("every 2 Days", 2 * Day)]
    [InlineData("1Hr", Hour)]
    public void TryParse_UnitInAnyCase_IsAccepted(string text, double expectedMilliseconds)
    {
        Assert.True(SyncFrequency.TryParse(text, out var interval));
        Assert.Equal(expectedMilliseconds, interval.TotalMilliseconds);
    }

    [Theory]
    [InlineData("60000", Minute)]
    [InlineData("every 90000", 90 * Second)]
    [InlineData("1.5h", 90 * Minute)]
    [InlineData(".5d", 12 * Hour)]
    [InlineData("5   minutes", 5 * Minute)]
    [InlineData("0.5", 0.5)]
    public void TryParse_MsNumberForms_AreAccepted(string text, double expectedMilliseconds)
    {
        Assert.True(SyncFrequency.TryParse(text, out var interval));
        Assert.Equal(expectedMilliseconds, interval.TotalMilliseconds);
    }

    [Fact]
    public void TryParse_NegativeInterval_ParsesLikeMsAndIsTooShort()
    {
        Assert.True(SyncFrequency.TryParse("-1h", out var interval));
        Assert.Equal(TimeSpan.FromHours(-1), interval);
        Assert.True(SyncFrequency.IsTooShort(interval));
    }

    [Theory]
    [InlineData("every 10 seconds", 10 * Second)]
    [InlineData("1s", Second)]
    public void TryParse_BelowMinimum_StillParses(string text, double expectedMilliseconds)
    {
        Assert.True(SyncFrequency.TryParse(text, out var interval));
        Assert.Equal(expectedMilliseconds, interval.TotalMilliseconds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("every")]
    [InlineData("every ")]
    [InlineData("hour")]
    [InlineData("every hours")]
    [InlineData("month")]
    [InlineData("half day")]
    [InlineData("week")]
    [InlineData("Every hour")]
    [InlineData("every Hour")]
    [InlineData("EVERY 1h")]
    [InlineData("every  1h")]
    [InlineData(" 1h")]
    [InlineData("1h ")]
    [InlineData("1\th")]
    [InlineData("1h\n")]
    [InlineData("1 fortnight")]
    [InlineData("1h30m")]
    [InlineData("1,5h")]
    [InlineData("1.h")]
    [InlineData("1e3")]
    [InlineData("+1h")]
    [InlineData("h")]
    [InlineData("every s")]
    [InlineData("\u0661h")]
    [InlineData("1 \u017Fec")]
    public void TryParse_Unparseable_ReturnsFalse(string? text)
    {
        Assert.False(SyncFrequency.TryParse(text, out var interval));
        Assert.Equal(TimeSpan.Zero, interval);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("every 0 minutes")]
    [InlineData("-0h")]
    public void TryParse_Zero_ReturnsFalseLikeNango(string text)
    {
        Assert.False(SyncFrequency.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_HundredCharacters_IsAccepted()
    {
        var text = new string('0', 98) + "1s";

        Assert.True(SyncFrequency.TryParse(text, out var interval));
        Assert.Equal(TimeSpan.FromSeconds(1), interval);
    }

    [Fact]
    public void TryParse_MoreThanHundredCharacters_ReturnsFalse()
    {
        var text = new string('0', 99) + "1s";

        Assert.False(SyncFrequency.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_HundredCharactersAfterEvery_IsAccepted()
    {
        // ms sees the text after "every ", so the prefix does not count towards its limit.
        var text = "every " + new string('0', 98) + "1s";

        Assert.True(SyncFrequency.TryParse(text, out _));
    }

    [Theory]
    [InlineData("99999999999999999999y")]
    [InlineData("-99999999999999999999y")]
    public void TryParse_BeyondTimeSpanRange_ReturnsFalse(string text)
    {
        Assert.False(SyncFrequency.TryParse(text, out _));
    }

    [Fact]
    public void Minimum_IsThirtySeconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), SyncFrequency.Minimum);
    }

    [Theory]
    [InlineData(-1000, true)]
    [InlineData(0, true)]
    [InlineData(29_999, true)]
    [InlineData(30_000, false)]
    [InlineData(30_001, false)]
    [InlineData(3_600_000, false)]
    public void IsTooShort_ComparesWithThirtySeconds(long milliseconds, bool expected)
    {
        Assert.Equal(expected, SyncFrequency.IsTooShort(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData("every half day", "12h")]
    [InlineData("every half hour", "30m")]
    [InlineData("every quarter hour", "15m")]
    [InlineData("every hour", "1h")]
    [InlineData("every day", "1d")]
    [InlineData("every month", "30d")]
    [InlineData("every week", "1w")]
    public void Normalize_SpecialPhrase_ReturnsShortForm(string text, string expected)
    {
        Assert.Equal(expected, SyncFrequency.Normalize(text));
    }

    [Theory]
    [InlineData("every 5 minutes", "5 minutes")]
    [InlineData("every 1h", "1h")]
    [InlineData("1h", "1h")]
    [InlineData("2 days", "2 days")]
    [InlineData("every hours", "hours")]
    [InlineData("every every 1h", "every 1h")]
    [InlineData("Every hour", "Every hour")]
    [InlineData("1h every ", "1h every ")]
    [InlineData("month", "month")]
    [InlineData("", "")]
    public void Normalize_OtherText_DropsOnlyLeadingEvery(string text, string expected)
    {
        Assert.Equal(expected, SyncFrequency.Normalize(text));
    }

    [Fact]
    public void Normalize_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => SyncFrequency.Normalize(null!));
    }

    [Fact]
    public void Pattern_IsNangosRegex()
    {
        Assert.Equal(
            @"^(every )?(([0-9]+)?\s?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)|(month|week|half day|half hour|quarter hour))$",
            SyncFrequency.Pattern);
    }

    [Theory]
    [InlineData("every 5 minutes")]
    [InlineData("every 1h")]
    [InlineData("1h")]
    [InlineData("5m")]
    [InlineData("30 secs")]
    [InlineData("every 5 hrs")]
    [InlineData("every half day")]
    [InlineData("every quarter hour")]
    [InlineData("every week")]
    [InlineData("month")]
    [InlineData("every hours")]
    [InlineData("every s")]
    public void MatchesPattern_AcceptedByNangoApi_ReturnsTrue(string text)
    {
        Assert.True(SyncFrequency.MatchesPattern(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("every 2 weeks")]
    [InlineData("1w")]
    [InlineData("1.5h")]
    [InlineData("500ms")]
    [InlineData("every Hour")]
    [InlineData("Every 1h")]
    [InlineData("every 1h\n")]
    [InlineData("every  1h")]
    public void MatchesPattern_RejectedByNangoApi_ReturnsFalse(string? text)
    {
        Assert.False(SyncFrequency.MatchesPattern(text));
    }
}
