using System.Text.RegularExpressions;

namespace Tributary.Server.Validation;

/// <summary>
/// Parses the ISO-8601 instants accepted by <c>modified_after</c> / <c>delta</c>.
/// </summary>
/// <remarks>
/// Wider than Nango's zod <c>datetime()</c>, which takes only the UTC <c>Z</c> form: offsets (<c>+02:00</c>,
/// <c>+0200</c>, <c>+02</c>) are accepted, and so is a space in place of the <c>+</c>, because older clients
/// put the value into the URL unencoded and form decoding turns that <c>+</c> into a space. A date without a
/// time or offset stays invalid: it names no instant.
/// </remarks>
internal static partial class IsoInstant
{
    public static bool TryParse(string text, out DateTimeOffset instant)
    {
        ArgumentNullException.ThrowIfNull(text);
        instant = default;
        var match = InstantRegex().Match(text);
        if (!match.Success)
        {
            return false;
        }

        var year = Number(match, "year");
        var month = Number(match, "month");
        var day = Number(match, "day");
        var hour = Number(match, "hour");
        var minute = Number(match, "minute");
        var second = match.Groups["second"].Success ? Number(match, "second") : 0;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        if (!TryReadOffset(match, out var offset))
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(FractionTicks(match));
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        instant = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    private static bool TryReadOffset(Match match, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (!match.Groups["sign"].Success)
        {
            return true;
        }

        var hours = Number(match, "offsetHours");
        var minutes = match.Groups["offsetMinutes"].Success ? Number(match, "offsetMinutes") : 0;
        if (hours > 23 || minutes > 59)
        {
            return false;
        }

        var magnitude = new TimeSpan(hours, minutes, 0);
        offset = match.Groups["sign"].Value == "-" ? -magnitude : magnitude;
        return true;
    }

    private static long FractionTicks(Match match)
    {
        if (!match.Groups["fraction"].Success)
        {
            return 0;
        }

        // Ticks are 100 ns: seven digits; finer digits cannot be represented and are dropped.
        var digits = match.Groups["fraction"].Value.PadRight(7, '0')[..7];
        return long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static int Number(Match match, string group) =>
        int.Parse(match.Groups[group].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    [GeneratedRegex(
        @"^(?<year>[0-9]{4})-(?<month>[0-9]{2})-(?<day>[0-9]{2})T(?<hour>[0-9]{2}):(?<minute>[0-9]{2})(:(?<second>[0-9]{2})(\.(?<fraction>[0-9]+))?)?(Z|(?<sign>[+ -])(?<offsetHours>[0-9]{2})(:?(?<offsetMinutes>[0-9]{2}))?)\z",
        RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex InstantRegex();
}
