using System.Globalization;
using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class IsoInstantTests
{
    [Theory]
    [InlineData("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:00Z", "2024-01-01T00:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.5000000+00:00")]
    [InlineData("2024-01-01T00:00:00.123456789Z", "2024-01-01T00:00:00.1234567+00:00")]
    [InlineData("2024-01-01T00:00:00+02:00", "2023-12-31T22:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:00:00+0200", "2023-12-31T22:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:00:00+02", "2023-12-31T22:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:00:00 02:00", "2023-12-31T22:00:00.0000000+00:00")]
    [InlineData("2024-01-01T00:00:00-05:30", "2024-01-01T05:30:00.0000000+00:00")]
    [InlineData("2024-02-29T23:59:59Z", "2024-02-29T23:59:59.0000000+00:00")]
    public void TryParse_Instant_ReturnsUtcValue(string text, string expectedRoundTrip)
    {
        Assert.True(IsoInstant.TryParse(text, out var instant));
        Assert.Equal(expectedRoundTrip, instant.ToString("o", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2024-01-01")]
    [InlineData("2024-01-01T00:00:00")]
    [InlineData("2024-01-01 00:00:00Z")]
    [InlineData("2024-01-01t00:00:00z")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("2024-01-01T24:00:00Z")]
    [InlineData("2024-01-01T00:60:00Z")]
    [InlineData("2024-01-01T00:00:60Z")]
    [InlineData("2024-01-01T00:00:00+24:00")]
    [InlineData("2024-01-01T00:00:00Z\n")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("0000-01-01T00:00:00Z")]
    [InlineData("")]
    public void TryParse_NotAnInstant_ReturnsFalse(string text)
    {
        Assert.False(IsoInstant.TryParse(text, out _));
    }
}
