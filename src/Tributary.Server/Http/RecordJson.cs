using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Tributary.Core.Ports;

namespace Tributary.Server.Http;

/// <summary>
/// One record of <c>GET /records</c> as UTF-8, written straight into the response: the stored payload's bytes without
/// its closing brace, then <c>_nango_metadata</c> from pre-encoded fragments and numbers formatted in place — no
/// string, no allocation per record (a pruned record's <c>{"id":…}</c> stand-in, rare, is the exception).
/// </summary>
/// <remarks>The bytes are pinned by <c>RecordsPageBytesTests</c>: they are the ones the string-based writer made.</remarks>
internal static class RecordJson
{
    /// <summary>Room for the metadata object: fixed text, four timestamps of at most 32 bytes, a cursor of at most 32.</summary>
    private const int MetadataBytes = 320;

    private static ReadOnlySpan<byte> FirstSeen => ",\"_nango_metadata\":{\"first_seen_at\":\""u8;

    private static ReadOnlySpan<byte> LastModified => "\",\"last_modified_at\":\""u8;

    private static ReadOnlySpan<byte> ActionAdded => "\",\"last_action\":\"ADDED\",\"deleted_at\":"u8;

    private static ReadOnlySpan<byte> ActionUpdated => "\",\"last_action\":\"UPDATED\",\"deleted_at\":"u8;

    private static ReadOnlySpan<byte> ActionDeleted => "\",\"last_action\":\"DELETED\",\"deleted_at\":"u8;

    private static ReadOnlySpan<byte> PrunedAt => ",\"pruned_at\":"u8;

    private static ReadOnlySpan<byte> Cursor => ",\"cursor\":\""u8;

    private static ReadOnlySpan<byte> Null => "null"u8;

    private static ReadOnlySpan<byte> CursorPrefix => "seq:"u8;

    /// <summary>Writes <paramref name="row"/>, preceded by a comma unless it is the page's first; returns the bytes written.</summary>
    public static int Write(IBufferWriter<byte> output, in RecordPageRow row, bool first)
    {
        var payload = row.PrunedAt is null ? row.PayloadUtf8.Span : PrunedStandIn(row.ExternalId);
        var span = output.GetSpan(payload.Length + 1 + MetadataBytes);
        var n = 0;
        if (!first)
        {
            span[n++] = (byte)',';
        }

        payload[..^1].CopyTo(span[n..]);
        n += payload.Length - 1;
        n += Copy(FirstSeen, span[n..]);
        n += Timestamp(row.CreatedAt, span[n..]);
        n += Copy(LastModified, span[n..]);
        n += Timestamp(row.UpdatedAt, span[n..]);
        n += Copy(row.DeletedAt is not null ? ActionDeleted : row.AddedSeq == row.Seq ? ActionAdded : ActionUpdated, span[n..]);
        n += NullableTimestamp(row.DeletedAt, span[n..]);
        n += Copy(PrunedAt, span[n..]);
        n += NullableTimestamp(row.PrunedAt, span[n..]);
        n += Copy(Cursor, span[n..]);
        n += EncodeCursor(row.Seq, span[n..]);
        span[n++] = (byte)'"';
        span[n++] = (byte)'}';
        span[n++] = (byte)'}';
        output.Advance(n);
        return n;
    }

    /// <summary>The cursor of <paramref name="seq"/> in UTF-8: base64 of <c>seq:</c> and the digits (what <c>RecordCursors.Encode</c> makes).</summary>
    public static int EncodeCursor(long seq, Span<byte> destination)
    {
        Span<byte> plain = stackalloc byte[24];
        CursorPrefix.CopyTo(plain);
        Utf8Formatter.TryFormat(seq, plain[CursorPrefix.Length..], out var digits);
        Base64.EncodeToUtf8(plain[..(CursorPrefix.Length + digits)], destination, out _, out var written);
        return written;
    }

    /// <summary>The last timestamp this thread formatted, its bytes and their length (see <see cref="Timestamp"/>).</summary>
    [ThreadStatic]
    private static long t_lastMicros;

    [ThreadStatic]
    private static byte[]? t_lastTimestamp;

    [ThreadStatic]
    private static int t_lastLength;

    /// <summary>
    /// Nango's timestamp form (<c>Micros.ToNangoString</c>), PostgreSQL's <c>to_json(timestamptz)</c> in UTC:
    /// <c>yyyy-MM-ddTHH:mm:ss.ffffff+00:00</c> without the fraction's trailing zeros, and without the fraction when
    /// it is zero (<c>…:21.5+00:00</c>, <c>…:21+00:00</c>).
    /// </summary>
    /// <remarks>
    /// A page's records mostly share their timestamps (a batch is saved at one moment, and a record never changed has
    /// the same first-seen and last-modified time), so the last one formatted on this thread is copied instead of
    /// formatted again: formatting was 4% of the server's CPU at 1,000 records a page.
    /// </remarks>
    public static int Timestamp(long micros, Span<byte> destination)
    {
        if (t_lastTimestamp is { } last && t_lastMicros == micros)
        {
            last.AsSpan(0, t_lastLength).CopyTo(destination);
            return t_lastLength;
        }

        var length = Format(micros, destination);
        t_lastTimestamp ??= new byte[TimestampBytes];
        destination[..length].CopyTo(t_lastTimestamp);
        t_lastMicros = micros;
        t_lastLength = length;
        return length;
    }

    /// <summary>The longest form: a six-digit fraction.</summary>
    private const int TimestampBytes = 32;

    private static int Format(long micros, Span<byte> destination)
    {
        var time = DateTime.UnixEpoch.AddTicks(micros * 10);
        time.Deconstruct(out var date, out var clock);
        date.Deconstruct(out var year, out var month, out var day);
        Digits(year, 4, destination);
        destination[4] = (byte)'-';
        Digits(month, 2, destination[5..]);
        destination[7] = (byte)'-';
        Digits(day, 2, destination[8..]);
        destination[10] = (byte)'T';
        Digits(clock.Hour, 2, destination[11..]);
        destination[13] = (byte)':';
        Digits(clock.Minute, 2, destination[14..]);
        destination[16] = (byte)':';
        Digits(clock.Second, 2, destination[17..]);
        var n = 19;
        var fraction = (int)(time.Ticks % TimeSpan.TicksPerSecond / 10);
        if (fraction != 0)
        {
            var digits = 6;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            destination[n++] = (byte)'.';
            Digits(fraction, digits, destination[n..]);
            n += digits;
        }

        "+00:00"u8.CopyTo(destination[n..]);
        return n + 6;
    }

    private static int NullableTimestamp(long? micros, Span<byte> destination)
    {
        if (micros is not { } value)
        {
            return Copy(Null, destination);
        }

        destination[0] = (byte)'"';
        var n = 1 + Timestamp(value, destination[1..]);
        destination[n] = (byte)'"';
        return n + 1;
    }

    private static void Digits(int value, int count, Span<byte> destination)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }

    /// <summary>A pruned record shows only its id, escaped as the serializer's default encoder does (as before).</summary>
    private static byte[] PrunedStandIn(string externalId) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id = externalId }));
}
