using System.Text;
using Microsoft.AspNetCore.Http;
using Tributary.Core.Ports;
using Tributary.Core.Domain;
using CoreRecordCursor = Tributary.Core.Records.RecordCursor;
using Tributary.Server.Http;

namespace Tributary.Server.Tests.Records;

/// <summary>
/// Pins the exact bytes of a records page: the expected strings were captured from the answer the server wrote before
/// the read path moved from strings to UTF-8 bytes, so any change in escaping, field order, timestamps, cursor or
/// the pruned record's stand-in fails here.
/// </summary>
public sealed class RecordsPageBytesTests
{
    private static readonly StoredRecord[] Rows =
    [
        new("a1", "{\"id\":\"a1\",\"name\":\"Zoë \\\"q\\\" <b> & '\\u00e9'\",\"n\":1.50,\"e\":\"😀\"}", 5, 5, 1_700_000_000_123_456, 1_700_000_000_123_456, null, null),
        new("a2", "{\"id\":\"a2\",\"nested\":{\"x\":[1,2,{\"y\":null}]},\"t\":true}", 7, 6, 1_700_000_001_000_000, 1_700_000_002_500_001, null, null),
        new("a3", "{\"id\":\"a3\"}", 9, 3, 1_600_000_000_000_000, 1_700_000_003_000_000, 1_700_000_003_000_000, null),
        new("p<'ü>&", string.Empty, 12, 12, 1_700_000_004_000_000, 1_700_000_004_000_000, null, 1_700_000_005_000_000),
        new("a5", "{\"id\":\"a5\"}", 13, 13, 1_700_000_006_000_000, 1_700_000_006_000_000, null, null),
    ];

    [Fact]
    public async Task RecordsPage_WithMore_HasThePinnedBytes()
    {
        var body = await RenderAsync(Rows, limit: 4);
        Assert.Equal(Expected4, body);
    }

    [Fact]
    public async Task RecordsPage_Last_HasThePinnedBytes()
    {
        var body = await RenderAsync(Rows[3..], limit: 10);
        Assert.Equal(ExpectedLast, body);
    }

    [Fact]
    public async Task RecordsPage_Empty_HasThePinnedBytes()
    {
        var body = await RenderAsync([], limit: 10);
        Assert.Equal("{\"records\":[],\"next_cursor\":null}", body);
    }

    private const string Expected4 =
        """
        {"records":[{"id":"a1","name":"Zoë \"q\" <b> & '\u00e9'","n":1.50,"e":"😀","_nango_metadata":{"first_seen_at":"2023-11-14T22:13:20.123456+00:00","last_modified_at":"2023-11-14T22:13:20.123456+00:00","last_action":"ADDED","deleted_at":null,"pruned_at":null,"cursor":"c2VxOjU="}},{"id":"a2","nested":{"x":[1,2,{"y":null}]},"t":true,"_nango_metadata":{"first_seen_at":"2023-11-14T22:13:21+00:00","last_modified_at":"2023-11-14T22:13:22.500001+00:00","last_action":"UPDATED","deleted_at":null,"pruned_at":null,"cursor":"c2VxOjc="}},{"id":"a3","_nango_metadata":{"first_seen_at":"2020-09-13T12:26:40+00:00","last_modified_at":"2023-11-14T22:13:23+00:00","last_action":"DELETED","deleted_at":"2023-11-14T22:13:23+00:00","pruned_at":null,"cursor":"c2VxOjk="}},{"id":"p\u003C\u0027\u00FC\u003E\u0026","_nango_metadata":{"first_seen_at":"2023-11-14T22:13:24+00:00","last_modified_at":"2023-11-14T22:13:24+00:00","last_action":"ADDED","deleted_at":null,"pruned_at":"2023-11-14T22:13:25+00:00","cursor":"c2VxOjEy"}}],"next_cursor":"c2VxOjEy"}
        """;

    private const string ExpectedLast =
        """
        {"records":[{"id":"p\u003C\u0027\u00FC\u003E\u0026","_nango_metadata":{"first_seen_at":"2023-11-14T22:13:24+00:00","last_modified_at":"2023-11-14T22:13:24+00:00","last_action":"ADDED","deleted_at":null,"pruned_at":"2023-11-14T22:13:25+00:00","cursor":"c2VxOjEy"}},{"id":"a5","_nango_metadata":{"first_seen_at":"2023-11-14T22:13:26+00:00","last_modified_at":"2023-11-14T22:13:26+00:00","last_action":"ADDED","deleted_at":null,"pruned_at":null,"cursor":"c2VxOjEz"}}],"next_cursor":null}
        """;

    /// <summary>The forms PostgreSQL 15's <c>to_json(timestamptz)</c> gives (UTC session), which Nango's records carry.</summary>
    [Theory]
    [InlineData("2023-11-14T22:13:21.123456", "2023-11-14T22:13:21.123456+00:00")]
    [InlineData("2023-11-14T22:13:21.123450", "2023-11-14T22:13:21.12345+00:00")]
    [InlineData("2023-11-14T22:13:21.500000", "2023-11-14T22:13:21.5+00:00")]
    [InlineData("2023-11-14T22:13:21.000000", "2023-11-14T22:13:21+00:00")]
    [InlineData("1970-01-01T00:00:00.000001", "1970-01-01T00:00:00.000001+00:00")]
    public void Timestamp_IsPostgresToJson_WithoutTheFractionsTrailingZeros(string utc, string expected)
    {
        var micros = Micros.From(DateTimeOffset.Parse(utc + "Z", System.Globalization.CultureInfo.InvariantCulture));
        var destination = new byte[32];

        var length = RecordJson.Timestamp(micros, destination);

        Assert.Equal(expected, Encoding.UTF8.GetString(destination, 0, length));
        Assert.Equal(expected, Micros.ToNangoString(micros));
    }

    [Fact]
    public void Timestamp_AnyMicros_IsMicrosToNangoString()
    {
        var random = new Random(14);
        var destination = new byte[32];
        long[] steps = [1, 10, 1_000, 1_000_000];
        foreach (var micros in new long[] { 0, 1, 10, 999_999, 1_000_000, 951_782_400_000_000, 4_102_444_799_999_999 }
            .Concat(Enumerable.Range(0, 2000).Select(i => random.NextInt64(0, 4_102_444_800_000_000) / steps[i % 4] * steps[i % 4])))
        {
            var length = RecordJson.Timestamp(micros, destination);
            Assert.Equal(Micros.ToNangoString(micros), Encoding.UTF8.GetString(destination, 0, length));
        }
    }

    [Fact]
    public void Timestamp_RepeatedAndAlternating_IsEachTimeMicrosToNangoString()
    {
        // The last timestamp formatted is copied when asked again: a repeat, a change and a change back must all be right,
        // into a destination that held something else, whatever their lengths, and nothing past them.
        var destination = new byte[40];
        foreach (var micros in new long[] { 5, 5, 1_700_000_000_000_001, 1_700_000_000_000_001, 5, 0, 0, 1_700_000_000_000_001, 1_700_000_000_000_000, 1_700_000_000_500_000, 1_700_000_000_500_000 })
        {
            Array.Fill(destination, (byte)'x');
            var length = RecordJson.Timestamp(micros, destination);
            Assert.Equal(Micros.ToNangoString(micros), Encoding.UTF8.GetString(destination, 0, length));
            Assert.Equal((byte)'x', destination[length]);
        }
    }

    [Fact]
    public void EncodeCursor_AnySeq_IsTheCursor()
    {
        var random = new Random(14);
        var destination = new byte[40];
        foreach (var seq in new long[] { 0, 1, 9, 10, 99, 100, long.MaxValue }.Concat(Enumerable.Range(0, 2000).Select(_ => random.NextInt64())))
        {
            var written = RecordJson.EncodeCursor(seq, destination);
            Assert.Equal(CoreRecordCursor.Encode(seq), Encoding.UTF8.GetString(destination, 0, written));
        }
    }

    private static async Task<string> RenderAsync(StoredRecord[] rows, int limit)
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;
        await RecordsStream.WriteAsync(context, ToAsync(rows), limit);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    /// <summary>The rows as the store streams them: the payload in one buffer that the next row overwrites.</summary>
    private static async IAsyncEnumerable<RecordPageRow> ToAsync(StoredRecord[] rows)
    {
        var buffer = new byte[4096];
        foreach (var row in rows)
        {
            await Task.Yield();
            Array.Fill(buffer, (byte)'#');
            var length = Encoding.UTF8.GetBytes(row.PayloadJson, buffer);
            yield return new RecordPageRow(
                row.ExternalId, buffer.AsMemory(0, length), row.Seq, row.AddedSeq, row.CreatedAt, row.UpdatedAt, row.DeletedAt, row.PrunedAt);
        }
    }
}
