using Tributary.Core.Records;

namespace Tributary.Core.Tests.Records;

public sealed class RecordCursorTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(long.MaxValue)]
    public void Encode_ThenDecode_RoundTrips(long seq)
    {
        Assert.True(RecordCursor.TryDecode(RecordCursor.Encode(seq), out var decoded));
        Assert.Equal(seq, decoded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("%%%")]
    [InlineData("bm90LWEtY3Vyc29y")]
    [InlineData("c2VxOi0x")]
    [InlineData("c2VxOg==")]
    [InlineData("MjAyMy0wOS0xOFQxNToyMDozNS45NDEzMDUrMDA6MDB8fDNmNGU=")]
    public void TryDecode_NotACursorThisCacheIssued_IsFalse(string cursor)
    {
        Assert.False(RecordCursor.TryDecode(cursor, out _));
    }
}
