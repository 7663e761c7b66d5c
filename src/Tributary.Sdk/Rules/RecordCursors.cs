using System.Globalization;
using System.Text;

namespace Tributary.Sdk.Rules;

/// <summary>
/// The opaque record cursor (<c>next_cursor</c>, <c>_nango_metadata.cursor</c>, <c>until_cursor</c>): a record's
/// position in its dataset's commit-ordered sequence. The HTTP API, the engine's context and the test context share
/// it, so a function can resume from a cursor a client handed over.
/// </summary>
internal static class RecordCursors
{
    private const string Prefix = "seq:";

    public static string Encode(long seq) => Convert.ToBase64String(Encoding.ASCII.GetBytes(Prefix + seq.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecode(string cursor, out long seq)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        seq = 0;
        Span<byte> bytes = stackalloc byte[64];
        if (cursor.Length > 80 || !Convert.TryFromBase64String(cursor, bytes, out var written))
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(bytes[..written]);
        return text.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }

    /// <summary>What <see cref="SyncContext.ListRecordsAsync"/> lists after: null for no cursor.</summary>
    /// <exception cref="ArgumentException">The cursor is not one the cache issued.</exception>
    public static long? DecodeListCursor(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        return TryDecode(cursor, out var seq)
            ? seq
            : throw new ArgumentException($"'{cursor}' is not a records cursor: pass a cursor the records cache issued.", nameof(cursor));
    }
}
