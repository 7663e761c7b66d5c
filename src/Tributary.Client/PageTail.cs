using System.Text;

namespace Tributary.Client;

/// <summary>
/// Reads a records page's <c>next_cursor</c> from the last bytes of its body, before the page is parsed, so the next
/// page can be asked for while this one is parsed (<see cref="RecordReader"/>).
/// </summary>
/// <remarks>
/// The server writes <c>next_cursor</c> as the page object's last member (Nango's shape: <c>{"records": [...],
/// "next_cursor": ...}</c>), so the body ends <c>,"next_cursor":"…"}</c> or <c>,"next_cursor":null}</c>. Only exactly
/// that tail is accepted: a string without escapes, a key that is not inside an escaped string, and a <c>,</c> or
/// <c>{</c> before it. Anything else answers false and the reader waits for the parse, as before. The reader checks the
/// guess against the parsed page and discards a page fetched on a wrong guess, so a false positive costs a request and
/// is never seen.
/// </remarks>
internal static class PageTail
{
    private static ReadOnlySpan<byte> Key => "\"next_cursor\""u8;

    private static ReadOnlySpan<byte> Null => "null"u8;

    /// <summary>True when the body's tail names the next cursor; <paramref name="next"/> is null for a last page.</summary>
    public static bool TryReadNextCursor(ReadOnlySpan<byte> body, out string? next)
    {
        next = null;
        var end = SkipSpaceBack(body, body.Length - 1);
        if (end < 0 || body[end] != (byte)'}')
        {
            return false;
        }

        var valueEnd = SkipSpaceBack(body, end - 1);
        if (valueEnd < 0)
        {
            return false;
        }

        int valueStart;
        if (body[valueEnd] == (byte)'"')
        {
            var open = body[..valueEnd].LastIndexOf((byte)'"');
            if (open < 0)
            {
                return false;
            }

            var text = body[(open + 1)..valueEnd];
            if (text.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || text.IndexOf((byte)'\\') >= 0)
            {
                return false;
            }

            next = Encoding.UTF8.GetString(text);
            valueStart = open;
        }
        else if (valueEnd >= Null.Length - 1 && body[(valueEnd - Null.Length + 1)..(valueEnd + 1)].SequenceEqual(Null))
        {
            valueStart = valueEnd - Null.Length + 1;
        }
        else
        {
            return false;
        }

        var colon = SkipSpaceBack(body, valueStart - 1);
        if (colon < 0 || body[colon] != (byte)':')
        {
            next = null;
            return false;
        }

        var keyEnd = SkipSpaceBack(body, colon - 1);
        var keyStart = keyEnd - Key.Length + 1;
        if (keyStart < 0 || !body[keyStart..(keyEnd + 1)].SequenceEqual(Key))
        {
            next = null;
            return false;
        }

        var before = SkipSpaceBack(body, keyStart - 1);
        if (before < 0 || (body[before] != (byte)',' && body[before] != (byte)'{'))
        {
            next = null;
            return false;
        }

        return true;
    }

    private static int SkipSpaceBack(ReadOnlySpan<byte> body, int index)
    {
        while (index >= 0 && body[index] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            index--;
        }

        return index;
    }
}
