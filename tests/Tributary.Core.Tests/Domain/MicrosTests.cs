using System.Globalization;
using System.Text;
using Tributary.Core.Domain;

namespace Tributary.Core.Tests.Domain;

public sealed class MicrosTests
{
    /// <summary>The format string the digit-by-digit writer replaced: its text is the contract.</summary>
    private static string Formatted(long micros) =>
        Micros.ToDateTimeOffset(micros).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(999L)]
    [InlineData(1_000L)]
    [InlineData(-62_135_596_800_000_000L)]
    [InlineData(253_402_300_799_999_999L)]
    [InlineData(1_767_323_045_678_901L)]
    public void ToIsoString_IsTheFormatStringsText_AtTheEdges(long micros)
    {
        Assert.Equal(Formatted(micros), Micros.ToIsoString(micros));
    }

    [Fact]
    public void ToIsoString_AndAppendIso_AreTheFormatStringsText_ForAnyTime()
    {
        var random = new Random(12);
        var text = new StringBuilder();
        for (var i = 0; i < 5_000; i++)
        {
            var micros = random.NextInt64(-62_135_596_800_000_000L, 253_402_300_799_999_999L);
            text.Clear().Append('[');
            Micros.AppendIso(text, micros);
            Assert.Equal(Formatted(micros), Micros.ToIsoString(micros));
            Assert.Equal($"[{Formatted(micros)}", text.ToString());
        }
    }
}
