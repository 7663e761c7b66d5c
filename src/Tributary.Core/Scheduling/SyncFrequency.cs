using System.Text.RegularExpressions;

namespace Tributary.Core.Scheduling;

/// <summary>
/// Nango's sync frequency grammar: the phrases a sync config's <c>runs</c> and
/// <c>PUT /sync/update-connection-frequency</c> accept, and the interval each one means.
/// </summary>
/// <remarks>
/// Nango checks a frequency in two places that do not agree: the HTTP API first matches
/// <see cref="Pattern"/>, then every path (API, deploy, scheduler) converts the text with
/// <c>getInterval</c>, which knows a few special phrases and hands everything else to the <c>ms</c>
/// package. So <c>every 2 weeks</c> parses but fails the pattern, and <c>every hours</c> matches the
/// pattern but does not parse. Both checks are kept separate here for the same reason.
/// </remarks>
public static partial class SyncFrequency
{
    /// <summary>The regular expression Nango's HTTP API validates a frequency with.</summary>
    public const string Pattern = @"^(every )?(([0-9]+)?\s?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)|(month|week|half day|half hour|quarter hour))$";

    private const string EveryPrefix = "every ";

    /// <summary>The shortest interval Nango schedules.</summary>
    public static readonly TimeSpan Minimum = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Converts a frequency to its interval. The minimum is not enforced: see <see cref="IsTooShort"/>.
    /// </summary>
    /// <returns>False when Nango would call the frequency invalid.</returns>
    public static bool TryParse(string? text, out TimeSpan interval)
    {
        interval = TimeSpan.Zero;
        if (text is null)
        {
            return false;
        }

        var milliseconds = MsDuration.ParseMilliseconds(Normalize(text));

        // Nango tests the result for truthiness, so a zero interval is invalid rather than too short.
        if (milliseconds is null or 0)
        {
            return false;
        }

        var ticks = Math.Round(milliseconds.Value * TimeSpan.TicksPerMillisecond);
        if (ticks >= long.MaxValue || ticks <= long.MinValue)
        {
            return false;
        }

        interval = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>True when Nango would refuse to schedule the interval (negative intervals included).</summary>
    public static bool IsTooShort(TimeSpan interval) => interval < Minimum;

    /// <summary>
    /// The interval text Nango answers with after a frequency update: a special phrase becomes its
    /// short form, anything else loses its leading <c>every </c>. The text is not validated.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Exact, case-sensitive comparisons: Nango compares with ===.
        return text switch
        {
            "every half day" => "12h",
            "every half hour" => "30m",
            "every quarter hour" => "15m",
            "every hour" => "1h",
            "every day" => "1d",
            "every month" => "30d",
            "every week" => "1w",
            _ when text.StartsWith(EveryPrefix, StringComparison.Ordinal) => text[EveryPrefix.Length..],
            _ => text,
        };
    }

    /// <summary>True when the text passes the HTTP API's <see cref="Pattern"/> check, with JavaScript semantics.</summary>
    public static bool MatchesPattern(string? text)
    {
        // .NET's $ also matches before a final newline; JavaScript's does not.
        return text is not null && !text.EndsWith('\n') && PatternRegex().IsMatch(text);
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex PatternRegex();
}
