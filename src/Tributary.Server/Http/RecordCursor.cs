using CoreRecordCursor = Tributary.Core.Records.RecordCursor;

namespace Tributary.Server.Http;

/// <summary>Cursors on the HTTP surface (see <see cref="CoreRecordCursor"/>: a bad one is a 400 <c>invalid_cursor</c>).</summary>
internal static class RecordCursor
{
    public static string Encode(long seq) => CoreRecordCursor.Encode(seq);

    /// <summary>Decodes <paramref name="cursor"/> or throws the 400 the error middleware renders.</summary>
    public static long Decode(string cursor, string field) => CoreRecordCursor.Decode(cursor, field);
}
