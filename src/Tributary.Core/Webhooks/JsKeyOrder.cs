namespace Tributary.Core.Webhooks;

/// <summary>
/// The order in which a Nango webhook body lists an object's keys. <c>fast-safe-stringify</c>'s stable mode sorts
/// the keys by UTF-16 code unit and copies them into a new object in that order; <c>JSON.stringify</c> then lists
/// that object's array-index keys first, in numeric order, as JavaScript lists every object's keys: <c>"9"</c> before
/// <c>"10"</c>, both before <c>"$"</c>. So: array indices (canonical decimal integers up to 2^32 − 2) by value, then
/// every other key by code unit.
/// </summary>
internal sealed class JsKeyOrder : IComparer<string>
{
    /// <summary>The largest array index, 2^32 − 2: <c>"4294967295"</c> is an ordinary key.</summary>
    private const long MaxArrayIndex = 4_294_967_294;

    public static JsKeyOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var left = ArrayIndex(x);
        var right = ArrayIndex(y);
        if (left >= 0 || right >= 0)
        {
            // An index before any other key; two indices by value.
            return left < 0 ? 1 : right < 0 ? -1 : left.CompareTo(right);
        }

        return string.CompareOrdinal(x, y);
    }

    /// <summary>The key's value when it is an array index (<c>"0"</c>, <c>"17"</c>; not <c>"01"</c>, <c>"-1"</c>, <c>"1.5"</c>), else −1.</summary>
    internal static long ArrayIndex(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 10 || (key.Length > 1 && key[0] == '0'))
        {
            return -1;
        }

        long value = 0;
        foreach (var c in key)
        {
            if (c is < '0' or > '9')
            {
                return -1;
            }

            value = (value * 10) + (c - '0');
        }

        return value <= MaxArrayIndex ? value : -1;
    }
}
