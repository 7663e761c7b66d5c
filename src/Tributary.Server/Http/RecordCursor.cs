using System.Globalization;
using System.Text;

namespace Tributary.Server.Http;

/// <summary>
/// The opaque <c>cursor</c> of <c>GET /records</c>: a record's position in its dataset's commit-ordered
/// sequence. Anything that does not decode is a 400 <c>invalid_cursor</c> (Nango answers 500).
/// </summary>
internal static class RecordCursor
{
    private const string Prefix = "seq:";

    public static string Encode(long seq) => Convert.ToBase64String(Encoding.ASCII.GetBytes(Prefix + seq.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecode(string cursor, out long seq)
    {
        seq = 0;
        Span<byte> bytes = stackalloc byte[64];
        if (cursor.Length > 80 || !Convert.TryFromBase64String(cursor, bytes, out var written))
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(bytes[..written]);
        return text.StartsWith(Prefix, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out seq)
            && seq >= 0;
    }
}
