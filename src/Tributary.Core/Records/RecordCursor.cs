using Tributary.Sdk.Rules;

namespace Tributary.Core.Records;

/// <summary>
/// The opaque record cursor (<c>next_cursor</c>, <c>_nango_metadata.cursor</c>, <c>until_cursor</c>): a record's
/// position in its dataset's commit-ordered sequence. The rule lives in the Sdk (<see cref="RecordCursors"/>), so the
/// HTTP API, the engine and the SDK's test context issue the same cursors.
/// </summary>
public static class RecordCursor
{
    public static string Encode(long seq) => RecordCursors.Encode(seq);

    public static bool TryDecode(string cursor, out long seq) => RecordCursors.TryDecode(cursor, out seq);

    /// <summary>Decodes a caller's cursor; one that does not decode is a 400 <c>invalid_cursor</c> (Nango answers 500).</summary>
    public static long Decode(string cursor, string field) =>
        TryDecode(cursor, out var seq)
            ? seq
            : throw new Errors.InvalidInputException(
                "invalid_cursor", $"The {field} is not valid: pass the next_cursor or _nango_metadata.cursor of an earlier response.");
}
