using System.Text.RegularExpressions;
using Tributary.Core.Scheduling;

namespace Tributary.Server.Validation;

/// <summary>The regexes of Nango's shared schemas (<c>packages/server/lib/helpers/validation.ts</c>).</summary>
internal static partial class Patterns
{
    public static ZodPattern ProviderConfigKey { get; } =
        new(@"/^[a-zA-Z0-9~:.@ _-]+$/", ProviderConfigKeyRegex().IsMatch);

    public static ZodPattern ConnectionId { get; } =
        new(@"/^[a-zA-Z0-9,.;:=+~[\]|@${}""'\\/_ -]+$/", ConnectionIdRegex().IsMatch);

    /// <summary>Sync names and variants share one schema in Nango.</summary>
    public static ZodPattern Name { get; } = new(@"/^[a-zA-Z0-9_-]+$/", NameRegex().IsMatch);

    public static ZodPattern Model { get; } = new(@"/^[A-Z][a-zA-Z0-9_-]+$/", ModelRegex().IsMatch);

    /// <summary>
    /// Nango's <c>frequencySchema</c>, whose named groups its messages print; .NET matches the same strings with
    /// <see cref="SyncFrequency.Pattern"/>.
    /// </summary>
    public static ZodPattern Frequency { get; } = new(
        @"/^(?<every>every )?((?<amount>[0-9]+)?\s?(?<unit>(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?))|(?<unit2>(month|week|half day|half hour|quarter hour)))$/",
        SyncFrequency.MatchesPattern);

    [GeneratedRegex(@"^[a-zA-Z0-9~:.@ _-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ProviderConfigKeyRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9,.;:=+~[\]|@${}""'\\/_ -]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionIdRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^[A-Z][a-zA-Z0-9_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex ModelRegex();
}
