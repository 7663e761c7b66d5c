using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Writes JSON the way Nango serialises a webhook body (<c>fast-safe-stringify</c>'s <c>stableStringify</c>): compact,
/// the keys of every object in <see cref="JsKeyOrder"/> (sorted by UTF-16 code unit, array indices first by value),
/// strings escaped exactly as <c>JSON.stringify</c> escapes them. The signature covers these bytes, so they must be
/// Nango's.
/// </summary>
internal static class SortedJson
{
    public static string Serialize(JsonNode? node)
    {
        var text = new StringBuilder(256);
        Write(text, node);
        return text.ToString();
    }

    internal static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, JsKeyOrder.Instance))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(text, key);
                    text.Append(':');
                    Write(text, value);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Write(text, array[i]);
                }

                text.Append(']');
                break;
            case JsonValue value:
                WriteValue(text, value);
                break;
        }
    }

    private static void WriteValue(StringBuilder text, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(text, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                // Numbers keep the text they were parsed from or written with (counts are integers).
                text.Append(value.ToJsonString());
                break;
        }
    }

    /// <summary>
    /// The characters <see cref="WriteString"/> looks at one by one: quote, backslash, control characters and
    /// surrogates (a lone one is escaped). Everything between two of them is copied as a block: a webhook body's
    /// strings are mostly plain ASCII, and a character-by-character copy was a third of its rendering (B14 profile,
    /// 2026-12-07).
    /// </summary>
    private static readonly SearchValues<char> NeedsCare = SearchValues.Create(NeedsCareCharacters());

    /// <summary>JSON.stringify's escaping: quote, backslash and control characters; lone surrogates as \uXXXX; all else as is.</summary>
    internal static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        var start = 0;
        while (start < value.Length)
        {
            var found = value.AsSpan(start).IndexOfAny(NeedsCare);
            if (found < 0)
            {
                text.Append(value.AsSpan(start));
                break;
            }

            var i = start + found;
            text.Append(value.AsSpan(start, found));
            WriteCharacter(text, value, i);
            start = i + 1;
        }

        text.Append('"');
    }

    private static void WriteCharacter(StringBuilder text, string value, int i)
    {
        var c = value[i];
        switch (c)
        {
            case '"': text.Append("\\\""); break;
            case '\\': text.Append("\\\\"); break;
            case '\b': text.Append("\\b"); break;
            case '\f': text.Append("\\f"); break;
            case '\n': text.Append("\\n"); break;
            case '\r': text.Append("\\r"); break;
            case '\t': text.Append("\\t"); break;
            default:
                if (c < 0x20 || IsLoneSurrogate(value, i))
                {
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                }
                else
                {
                    text.Append(c);
                }

                break;
        }
    }

    private static string NeedsCareCharacters()
    {
        var characters = new StringBuilder();
        for (var c = '\0'; c < ' '; c++)
        {
            characters.Append(c);
        }

        characters.Append('"').Append('\\');
        for (var c = '\uD800'; c <= '\uDFFF'; c++)
        {
            characters.Append(c);
        }

        return characters.ToString();
    }

    private static bool IsLoneSurrogate(string value, int i)
    {
        var c = value[i];
        if (char.IsHighSurrogate(c))
        {
            return i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]);
        }

        return char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(value[i - 1]));
    }
}
