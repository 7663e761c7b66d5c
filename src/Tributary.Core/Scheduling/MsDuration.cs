using System.Globalization;
using System.Text.RegularExpressions;

namespace Tributary.Core.Scheduling;

/// <summary>
/// Reads a duration the way the JavaScript <c>ms</c> package does, because Nango turns every sync
/// frequency into milliseconds with it and our intervals must agree with Nango's to the millisecond.
/// </summary>
internal static partial class MsDuration
{
    // ms refuses longer input outright; keeping the limit means a value Nango rejects is rejected here too.
    private const int MaxLength = 100;

    private const double Second = 1000;
    private const double Minute = 60 * Second;
    private const double Hour = 60 * Minute;
    private const double Day = 24 * Hour;
    private const double Week = 7 * Day;

    // ms counts a year as 365.25 days.
    private const double Year = 365.25 * Day;

    /// <summary>Returns the number of milliseconds, or null when ms would answer NaN.</summary>
    public static double? ParseMilliseconds(string text)
    {
        if (text.Length > MaxLength)
        {
            return null;
        }

        var match = DurationRegex().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var value = double.Parse(match.Groups["value"].ValueSpan, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return value * UnitMilliseconds(match.Groups["unit"].Value);
    }

    private static double UnitMilliseconds(string unit) => unit.ToLowerInvariant() switch
    {
        "" or "ms" or "msec" or "msecs" or "millisecond" or "milliseconds" => 1,
        "s" or "sec" or "secs" or "second" or "seconds" => Second,
        "m" or "min" or "mins" or "minute" or "minutes" => Minute,
        "h" or "hr" or "hrs" or "hour" or "hours" => Hour,
        "d" or "day" or "days" => Day,
        "w" or "week" or "weeks" => Week,
        "y" or "yr" or "yrs" or "year" or "years" => Year,
        _ => throw new InvalidOperationException($"The duration pattern matched the unit '{unit}' that has no length."),
    };

    // Same grammar as ms: optional sign, decimals, spaces (not other whitespace) before the unit.
    // [0-9] and \z instead of \d and $ because .NET's \d is Unicode-wide and its $ accepts a trailing newline.
    [GeneratedRegex(
        @"^(?<value>-?(?:[0-9]+)?\.?[0-9]+) *(?<unit>milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?\z",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationRegex();
}
