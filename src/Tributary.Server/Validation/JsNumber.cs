using System.Text.RegularExpressions;

namespace Tributary.Server.Validation;

/// <summary>
/// JavaScript's <c>Number(value)</c>, which <c>z.coerce.number()</c> applies before checking: the query string
/// <c>"1e2"</c> is 100, <c>""</c> is 0 and <c>"abc"</c> is NaN.
/// </summary>
internal static partial class JsNumber
{
    public static double FromString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return 0;
        }

        if (trimmed.Length > 2 && trimmed[0] == '0' && RadixOf(trimmed[1]) is { } radix)
        {
            return FromDigits(trimmed[2..], radix);
        }

        if (!DecimalLiteralRegex().IsMatch(trimmed))
        {
            return double.NaN;
        }

        if (trimmed.EndsWith("Infinity", StringComparison.Ordinal))
        {
            return trimmed[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
        }

        return double.Parse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <remarks>
    /// Arrays and objects become NaN here, although JavaScript turns <c>[]</c> into 0 and <c>[5]</c> into 5:
    /// nobody sends those on purpose, and a type error is the more useful answer.
    /// </remarks>
    public static double FromJson(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetDouble(out var number) ? number : double.PositiveInfinity,
        JsonValueKind.String => FromString(value.GetString() ?? string.Empty),
        JsonValueKind.True => 1,
        JsonValueKind.False or JsonValueKind.Null => 0,
        _ => double.NaN,
    };

    private static int? RadixOf(char prefix) => prefix switch
    {
        'x' or 'X' => 16,
        'o' or 'O' => 8,
        'b' or 'B' => 2,
        _ => null,
    };

    private static double FromDigits(string digits, int radix)
    {
        double result = 0;
        foreach (var digit in digits)
        {
            var value = HexDigitValue(digit);
            if (value < 0 || value >= radix)
            {
                return double.NaN;
            }

            result = (result * radix) + value;
        }

        return result;
    }

    private static int HexDigitValue(char digit) => digit switch
    {
        >= '0' and <= '9' => digit - '0',
        >= 'a' and <= 'f' => digit - 'a' + 10,
        >= 'A' and <= 'F' => digit - 'A' + 10,
        _ => -1,
    };

    [GeneratedRegex(@"^[+-]?(Infinity|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)\z", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalLiteralRegex();
}
