using System.Globalization;

namespace Tributary.Bench.Reporting;

/// <summary>What a figure must reach, and how to say by how much it missed.</summary>
internal sealed record Target(string Text, Func<double, double?, bool>? Check, Func<double, double?, string>? Shortfall)
{
    public static Target None { get; } = new("—", null, null);

    public static Target AtMost(double limit, string unit) => new(
        $"≤ {Format(limit)} {unit}".TrimEnd(),
        (value, _) => value <= limit,
        (value, _) => limit == 0
            ? $"{Format(value)} {unit} over".Trim()
            : $"{Format(value / limit)}× the limit".Trim());

    public static Target AtLeastShareOfBaseline(double share) => new(
        $"≥ {share * 100:0}% of baseline",
        (_, ratio) => ratio >= share,
        (_, ratio) => ratio is { } r ? $"{r * 100:0}% of baseline, {(share - r) * 100:0} points short" : "no baseline");

    public static Target AtMostTimesBaseline(double times) => new(
        $"≤ {Format(times)}× baseline",
        (_, ratio) => ratio <= times,
        (_, ratio) => ratio is { } r ? $"{Format(r)}× baseline, {Format(r / times)}× the limit" : "no baseline");

    /// <summary>A count that must equal its baseline (the expected count), neither fewer nor more.</summary>
    public static Target EqualsBaseline() => new(
        "= baseline (expected)",
        (_, ratio) => ratio == 1,
        (value, ratio) => ratio is { } r ? $"{Format(value)}, {Format(Math.Abs(r - 1) * 100)}% {(r < 1 ? "short of" : "over")} the expected count" : "no expected count");

    public static Target AtLeastOrShare(double floor, string unit, double share) => new(
        $"≥ {Format(floor)} {unit} or ≥ {share * 100:0}% of baseline",
        (value, ratio) => value >= floor || ratio >= share,
        (value, ratio) => $"{Format(value)} {unit} ({Format(value / floor * 100)}% of the floor) and {Format((ratio ?? 0) * 100)}% of baseline");

    public static string Format(double value) => value switch
    {
        >= 1000 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        >= 1 => value.ToString("0.##", CultureInfo.InvariantCulture),
        _ => value.ToString("0.####", CultureInfo.InvariantCulture),
    };
}
