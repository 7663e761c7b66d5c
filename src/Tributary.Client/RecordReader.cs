using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace Tributary.Client;

/// <summary>
/// The records of a model as one stream across pages. Only one page is held at a time, so memory stays flat however
/// many records there are. <see cref="Cursor"/> follows the enumeration: after any record it is the position to
/// resume from (pass it as <see cref="RecordRequest.Cursor"/>), so an interrupted read continues without repeats.
/// </summary>
public sealed class RecordReader : IAsyncEnumerable<JsonObject>
{
    private readonly RecordsClient _records;
    private readonly RecordRequest _request;

    internal RecordReader(RecordsClient records, RecordRequest request)
    {
        _records = records;
        _request = request;
        Cursor = request.Cursor;
    }

    /// <summary>Where to resume: after the last record handed out (the request's cursor before the first).</summary>
    public string? Cursor { get; private set; }

    /// <summary>How many pages were fetched so far.</summary>
    public int Pages { get; private set; }

    /// <inheritdoc />
    public IAsyncEnumerator<JsonObject> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    private async IAsyncEnumerable<JsonObject> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = _request with { Cursor = Cursor };
        while (true)
        {
            var page = await _records.GetPageAsync(request, cancellationToken);
            Pages++;
            foreach (var record in page.Records)
            {
                // Each record carries its own position; the page's cursor covers a page whose records lack it.
                Cursor = (string?)record["_nango_metadata"]?["cursor"] ?? Cursor;
                yield return record;
            }

            if (page.NextCursor is null || page.Records.Count == 0)
            {
                yield break;
            }

            Cursor = page.NextCursor;
            request = request with { Cursor = page.NextCursor };
        }
    }
}
