using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tributary.Core.Ports;

namespace Tributary.Server.Http;

/// <summary>
/// Writes <c>GET /records</c>'s answer while the rows are read: the body never holds more than about
/// <see cref="FlushBytes"/> of records, whatever the page size. The bytes are the ones a buffered write made
/// (<c>next_cursor</c> follows <c>records</c> in Nango's body, so it is written after the one extra row says
/// whether there is more).
/// </summary>
internal static class RecordsStream
{
    /// <summary>Records are handed to the socket in pieces of about this size (Kestrel then applies back-pressure).</summary>
    internal const int FlushBytes = 32 * 1024;

    public static async Task WriteAsync(HttpContext context, IAsyncEnumerable<StoredRecord> rows, int limit, Action<Utf8JsonWriter, StoredRecord> writeRecord)
    {
        var body = context.Response.BodyWriter;
        var cancellationToken = context.RequestAborted;
        context.Response.StatusCode = 200;
        context.Response.ContentType = JsonResponses.ContentType;
        await using var w = new Utf8JsonWriter(body, JsonResponses.Options);
        w.WriteStartObject();
        w.WriteStartArray("records");
        var written = 0;
        long lastSeq = 0;
        long flushedAt = 0;
        var hasMore = false;
        await foreach (var record in rows.WithCancellation(cancellationToken))
        {
            if (written == limit)
            {
                hasMore = true;
                break;
            }

            writeRecord(w, record);
            written++;
            lastSeq = record.Seq;

            // The first record starts the response: from then on an error can only cut the body short (the client
            // sees a broken chunked answer), never append an error body to half a page.
            var total = w.BytesCommitted + w.BytesPending;
            if (written == 1 || total - flushedAt >= FlushBytes)
            {
                w.Flush();
                await body.FlushAsync(cancellationToken);
                flushedAt = total;
            }
        }

        w.WriteEndArray();
        if (hasMore)
        {
            w.WriteString("next_cursor", RecordCursor.Encode(lastSeq));
        }
        else
        {
            w.WriteNull("next_cursor");
        }

        w.WriteEndObject();
        w.Flush();
        await body.FlushAsync(cancellationToken);
    }
}
