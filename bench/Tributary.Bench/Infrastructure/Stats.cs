using System.Diagnostics;

namespace Tributary.Bench.Infrastructure;

/// <summary>Percentiles (nearest rank) and timestamp arithmetic.</summary>
internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> samples, double percentile)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Max(IReadOnlyList<double> samples) => samples.Count == 0 ? double.NaN : samples.Max();

    public static double MillisecondsSince(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;

    public static double Milliseconds(long start, long end) => Stopwatch.GetElapsedTime(start, end).TotalMilliseconds;
}
