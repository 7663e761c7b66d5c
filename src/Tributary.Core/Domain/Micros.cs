using System.Text;

namespace Tributary.Core.Domain;

/// <summary>
/// Times are stored as unix microseconds in both databases: one representation for two dialects, and the
/// microsecond precision Nango's API shows in record metadata.
/// </summary>
public static class Micros
{
    public static long From(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset ToDateTimeOffset(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);

    public static DateTimeOffset? ToDateTimeOffset(long? micros) => micros is { } value ? ToDateTimeOffset(value) : null;

    public static long Now(TimeProvider timeProvider) => From(timeProvider.GetUtcNow());

    /// <summary>
    /// Nango's timestamp form, PostgreSQL's <c>to_json(timestamptz)</c> in UTC: microseconds and an explicit offset,
    /// e.g. 2023-09-18T15:20:35.941305+00:00, the fraction's trailing zeros left out (…:35.5+00:00, …:35+00:00).
    /// </summary>
    public static string ToNangoString(long micros) =>
        ToDateTimeOffset(micros).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'+00:00'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>ISO-8601 with milliseconds and Z, as JavaScript's Date#toISOString (used where Nango sends Date objects).</summary>
    public static string ToIsoString(long micros) =>
        string.Create(IsoLength, micros, static (text, value) => WriteIso(text, value));

    /// <summary>Appends <see cref="ToIsoString"/>'s text, without a string of its own.</summary>
    public static void AppendIso(StringBuilder text, long micros)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<char> iso = stackalloc char[IsoLength];
        WriteIso(iso, micros);
        text.Append(iso);
    }

    private const int IsoLength = 24;

    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss.fffZ</c> written digit by digit: a completed run's success webhook carries two, and the
    /// format string's parse was a fifth of rendering one (docs/benchmarks.md, B14.drain, 2026-12-07 22:45).
    /// Same text as <c>DateTimeOffset.ToString</c> with that format (the milliseconds truncated, never rounded).
    /// </summary>
    private static void WriteIso(Span<char> text, long micros)
    {
        var utc = ToDateTimeOffset(micros).UtcDateTime;
        Digits(text[..4], utc.Year);
        text[4] = '-';
        Digits(text.Slice(5, 2), utc.Month);
        text[7] = '-';
        Digits(text.Slice(8, 2), utc.Day);
        text[10] = 'T';
        Digits(text.Slice(11, 2), utc.Hour);
        text[13] = ':';
        Digits(text.Slice(14, 2), utc.Minute);
        text[16] = ':';
        Digits(text.Slice(17, 2), utc.Second);
        text[19] = '.';
        Digits(text.Slice(20, 3), utc.Millisecond);
        text[23] = 'Z';
    }

    /// <summary>Writes <paramref name="value"/> zero-padded into exactly <paramref name="text"/>'s length.</summary>
    private static void Digits(Span<char> text, int value)
    {
        for (var i = text.Length - 1; i >= 0; i--)
        {
            text[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}
