using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Contracts;

namespace Tributary.Client;

/// <summary>
/// The records of a model as one stream across pages. At most two pages are held (the one being handed out and the
/// next, fetched meanwhile), so memory stays flat however many records there are. <see cref="Cursor"/> follows the
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
    private readonly PageBuffer _buffer = new();
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
        Task<Page>? pending = FetchAsync(_request with { Cursor = Cursor }, prefetch.Token);
        try
        {
            while (pending is not null)
            {
                var (records, next) = await pending;
                pending = null;
                Pages++;
                if (next is not null && records.Length > 0)
                {
                    // The next page is on its way while this one is handed out: the server's time hides the consumer's.
                    pending = FetchAsync(_request with { Cursor = next }, prefetch.Token);
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
                try
                {
                    await pending;
                }
                catch (OperationCanceledException)
                {
                    // Expected: we cancelled it.
                }
            }
        }
    }

    private async Task<Page> FetchAsync(RecordRequest request, CancellationToken cancellationToken)
    {
        using var message = ApiTransport.Build(HttpMethod.Get, request.Path(), null, new ConnectionHeaders(request.ConnectionId, request.ProviderConfigKey));
        using var response = await _api.Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await ApiTransport.EnsureSuccessAsync(response, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);

        // The page is read into the reader's one buffer and parsed over it; each record is copied out on its own (a ~1 KB
        // copy each, short-lived). Holding the page's own bytes instead allocated a megabyte-sized array per page on the
        // large-object heap, collected only by full collections, and a record kept by the consumer kept its whole page
        // alive.
        var bytes = await _buffer.ReadAllAsync(body, cancellationToken);
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
