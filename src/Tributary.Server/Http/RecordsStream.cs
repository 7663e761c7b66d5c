using System.Buffers;
using Tributary.Core.Ports;

namespace Tributary.Server.Http;

/// <summary>
/// Writes <c>GET /records</c>'s answer while the rows are read, straight into the response's pipe: the body never
/// holds more than about <see cref="FlushBytes"/> of records, whatever the page size. The bytes are the ones a
/// buffered write made (<c>next_cursor</c> follows <c>records</c> in Nango's body, so it is written after the one
/// extra row says whether there is more).
/// </summary>
/// <remarks>
/// Flush policy (measured, docs/architecture.md "Records read path"): the response is started once the first row is
/// read — from then on an error can only cut the body short, never append an error body to half a page — and the
/// pipe is flushed each time <see cref="FlushBytes"/> have gathered. No flush for the first record: with 64 readers
/// on two cores the extra small socket write per page cost throughput and p99.
/// </remarks>
internal static class RecordsStream
{
    /// <summary>Records are handed to the socket in pieces of about this size (Kestrel then applies back-pressure).</summary>
    internal const int FlushBytes = 64 * 1024;

    private static ReadOnlySpan<byte> Start => "{\"records\":["u8;

    private static ReadOnlySpan<byte> EndWithCursor => "],\"next_cursor\":\""u8;

    private static ReadOnlySpan<byte> EndWithoutCursor => "],\"next_cursor\":null}"u8;

    public static async Task WriteAsync(HttpContext context, IAsyncEnumerable<RecordPageRow> rows, int limit)
    {
        var body = context.Response.BodyWriter;
        var cancellationToken = context.RequestAborted;
        context.Response.StatusCode = 200;
        context.Response.ContentType = JsonResponses.ContentType;
        var written = 0;
        long lastSeq = 0;
        var unflushed = 0;
        var hasMore = false;
        await foreach (var record in rows.WithCancellation(cancellationToken))
        {
            if (written == limit)
            {
                hasMore = true;
                break;
            }

            if (written == 0)
            {
                await context.Response.StartAsync(cancellationToken);
                body.Write(Start);
            }

            unflushed += RecordJson.Write(body, record, first: written == 0);
            written++;
            lastSeq = record.Seq;
            if (unflushed >= FlushBytes)
            {
                await body.FlushAsync(cancellationToken);
                unflushed = 0;
            }
        }

        if (written == 0)
        {
            body.Write(Start);
        }

        if (hasMore)
        {
            body.Write(EndWithCursor);
            var span = body.GetSpan(40);
            var n = RecordJson.EncodeCursor(lastSeq, span);
            span[n++] = (byte)'"';
            span[n++] = (byte)'}';
            body.Advance(n);
        }
        else
        {
            body.Write(EndWithoutCursor);
        }

        await body.FlushAsync(cancellationToken);
    }
}
