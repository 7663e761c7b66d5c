namespace Tributary.Core.Engine;

/// <summary>Exponential backoff with jitter: how long to wait after the <c>n</c>-th failure in a row.</summary>
/// <remarks>
/// Half of each delay is fixed and half random ("equal jitter"): processes that met the same outage do not retry
/// in lockstep when it ends, and no retry comes sooner than half its step.
/// </remarks>
internal static class Backoff
{
    public static TimeSpan Delay(int failures, TimeSpan first, TimeSpan max)
    {
        var step = first.Ticks * Math.Pow(2, Math.Clamp(failures - 1, 0, 30));
        var half = (long)Math.Min(max.Ticks, step) / 2;
        return TimeSpan.FromTicks(half + Random.Shared.NextInt64(half + 1));
    }
}
