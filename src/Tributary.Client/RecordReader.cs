using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Contracts;

namespace Tributary.Client;

/// <summary>
/// The records of a model as one stream across pages. At most two pages are held (the records being handed out, and
/// the next page's body, asked for as soon as the current page's bytes arrived and read into one of two reused
/// buffers), so memory stays flat however many records there are. <see cref="Cursor"/> follows the
/// enumeration: after any record it is the position to resume from (pass it as <see cref="RecordRequest.Cursor"/>),
/// so an interrupted read continues without repeats.
/// </summary>
/// <remarks>
/// Each record is a <see cref="JsonObject"/> over its own parsed copy (the page is parsed once into pooled buffers and
/// each record copied out): its fields are materialised only when read, so a consumer that forwards or filters
/// records pays for the parse once, not for a node per field, and a record it keeps holds only itself.
/// </remarks>
public sealed class RecordReader : IAsyncEnumerable<JsonObject>
{
    private readonly ApiTransport _api;
    private readonly RecordRequest _request;
    private readonly PageBuffer[] _buffers = [new(), new()];
    private int _nextBuffer;
    private string? _cursor;
    private JsonElement? _last;

    internal RecordReader(ApiTransport api, RecordRequest request)
    {
        _api = api;
        _request = request;
        _cursor = request.Cursor;
    }

    /// <summary>Where to resume: after the last record handed out (the request's cursor before the first).</summary>
    /// <remarks>Read from the last record only when asked: looking it up in every record cost the reader ~5% of its rate.</remarks>
    public string? Cursor
    {
        get
        {
            if (_last is { } record)
            {
                _cursor = CursorOf(record) ?? _cursor;
                _last = null;
            }

            return _cursor;
        }
    }

    /// <summary>How many pages were received so far.</summary>
    public int Pages { get; private set; }

    /// <inheritdoc />
    public IAsyncEnumerator<JsonObject> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    private async IAsyncEnumerable<JsonObject> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var prefetch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<ReadOnlyMemory<byte>>? pending = DownloadAsync(Cursor, prefetch.Token);
        try
        {
            while (pending is not null)
            {
                var body = await pending;
                pending = null;
                Pages++;

                // The body's tail names the next page: ask for it now, so the server serves it while this page is parsed
                // (the parse is most of the client's own time per page, and it used to come before the next request).
                string? guessed = null;
                if (PageTail.TryReadNextCursor(body.Span, out var tail) && tail is not null)
                {
                    guessed = tail;
                    pending = DownloadAsync(guessed, prefetch.Token);
                }

                var (records, next) = Parse(body);
                var wanted = next is not null && records.Length > 0 ? next : null;
                if (wanted != guessed)
                {
                    // The tail said otherwise than the parse (an empty page with a cursor stops the read): that page is not
                    // wanted. Never expected from a well-formed page; handled so the records are right whatever happens.
                    pending = await ReplaceAsync(pending, wanted, prefetch.Token);
                }

                foreach (var element in records)
                {
                    // Each record carries its own position (read by Cursor when asked); the page's cursor covers a
                    // page whose records lack it.
                    _last = element;
                    yield return JsonObject.Create(element)!;
                }

                _cursor = next ?? Cursor;
                _last = null;
            }
        }
        finally
        {
            if (pending is not null)
            {
                // The consumer stopped early: the prefetched page is not wanted.
                await prefetch.CancelAsync();
                await DiscardAsync(pending);
            }
        }
    }

    private async Task<Task<ReadOnlyMemory<byte>>?> ReplaceAsync(Task<ReadOnlyMemory<byte>>? unwanted, string? wanted, CancellationToken cancellationToken)
    {
        if (unwanted is not null)
        {
            await DiscardAsync(unwanted);
        }

        return wanted is null ? null : DownloadAsync(wanted, cancellationToken);
    }

    private static async Task DiscardAsync(Task<ReadOnlyMemory<byte>> unwanted)
    {
        try
        {
            await unwanted;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or TributaryApiException)
        {
            // Expected: the page was cancelled or failed, and nobody wants it.
        }
    }

    /// <summary>
    /// Reads one page's body into the next of the two page buffers: one holds the page being parsed while the other
    /// receives the next, and a page's records are copied out of its buffer by the parse, before that buffer is reused.
    /// </summary>
    private async Task<ReadOnlyMemory<byte>> DownloadAsync(string? cursor, CancellationToken cancellationToken)
    {
        var buffer = _buffers[_nextBuffer];
        _nextBuffer ^= 1;
        using var message = ApiTransport.Build(HttpMethod.Get, (_request with { Cursor = cursor }).Path(), null, new ConnectionHeaders(_request.ConnectionId, _request.ProviderConfigKey));
        using var response = await _api.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ApiTransport.EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);

        // Read into a reused buffer and parsed over it; each record is copied out on its own (a ~1 KB copy each,
        // short-lived). Holding the page's own bytes instead allocated a megabyte-sized array per page on the
        // large-object heap, collected only by full collections, and a record kept by the consumer kept its whole page
        // alive.
        return await buffer.ReadAllAsync(body, cancellationToken);
    }

    private static Page Parse(ReadOnlyMemory<byte> bytes)
    {
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var array = root.GetProperty("records");
        var records = new JsonElement[array.GetArrayLength()];
        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            records[i++] = element.Clone();
        }

        var next = root.TryGetProperty("next_cursor", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return new Page(records, next);
    }

    private readonly record struct Page(JsonElement[] Records, string? Next);

    private static string? CursorOf(JsonElement record) =>
        record.TryGetProperty("_nango_metadata", out var metadata) && metadata.TryGetProperty("cursor", out var cursor)
            ? cursor.GetString()
            : null;
}
