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
        ToDateTimeOffset(micros).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
