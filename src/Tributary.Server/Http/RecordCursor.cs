using CoreRecordCursor = Tributary.Core.Records.RecordCursor;

namespace Tributary.Server.Http;

/// <summary>
/// Cursors on the HTTP surface: anything that does not decode is a 400 <c>invalid_cursor</c> (Nango answers 500).
/// </summary>
internal static class RecordCursor
{
    public static string Encode(long seq) => CoreRecordCursor.Encode(seq);

    /// <summary>Decodes <paramref name="cursor"/> or throws the 400 the error middleware renders.</summary>
    public static long Decode(string cursor, string field) =>
        CoreRecordCursor.TryDecode(cursor, out var seq)
            ? seq
            : throw new ApiErrorException(new ApiError(
                StatusCodes.Status400BadRequest,
                "invalid_cursor",
                $"The {field} is not valid: pass the next_cursor or _nango_metadata.cursor of an earlier response."));
}
