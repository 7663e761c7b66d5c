using System.Text.Json;
using Tributary.Bench.Infrastructure;

namespace Tributary.Bench.Scenarios;

/// <summary>Reading <c>GET /records</c> answers: a cheap next-cursor scan for timed paging, a full parse for checks.</summary>
internal static class RecordPages
{
    private static readonly byte[] NextCursorKey = "\"next_cursor\":"u8.ToArray();

    /// <summary>The page's <c>next_cursor</c>, found from the end of the body without parsing the records.</summary>
    public static string? NextCursor(byte[] page)
    {
        var at = page.AsSpan().LastIndexOf(NextCursorKey);
        if (at < 0)
        {
            throw new InvalidOperationException("The records page has no next_cursor.");
        }

        var reader = new Utf8JsonReader(page.AsSpan(at + NextCursorKey.Length), isFinalBlock: false, state: default);
        reader.Read();
        return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>The <c>_nango_metadata.cursor</c> of the page's last record, or null for an empty page.</summary>
    public static string? LastRecordCursor(byte[] page)
    {
        using var document = JsonDocument.Parse(page);
        var records = document.RootElement.GetProperty("records");
        var count = records.GetArrayLength();
        return count == 0 ? null : records[count - 1].GetProperty("_nango_metadata").GetProperty("cursor").GetString();
    }

    /// <summary>Every record id after <paramref name="cursor"/>, in cursor order.</summary>
    public static async Task<List<string>> IdsAfterAsync(BenchApi api, string connectionId, string? cursor, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        while (true)
        {
            var page = await api.GetRecordsPageAsync(BenchNames.Bench, connectionId, BenchNames.ItemModel, 1000, cursor, cancellationToken);
            using var document = JsonDocument.Parse(page);
            foreach (var record in document.RootElement.GetProperty("records").EnumerateArray())
            {
                ids.Add(record.GetProperty("id").GetString() ?? string.Empty);
            }

            cursor = document.RootElement.GetProperty("next_cursor").GetString();
            if (cursor is null)
            {
                return ids;
            }
        }
    }

    /// <summary>The cursor of the dataset's last record (null when it is empty), paging it from the start.</summary>
    public static async Task<string?> LastCursorAsync(BenchApi api, string connectionId, CancellationToken cancellationToken)
    {
        string? cursor = null, last = null;
        while (true)
        {
            var page = await api.GetRecordsPageAsync(BenchNames.Bench, connectionId, BenchNames.ItemModel, 1000, cursor, cancellationToken);
            last = LastRecordCursor(page) ?? last;
            cursor = NextCursor(page);
            if (cursor is null)
            {
                return last;
            }
        }
    }
}
