using System.Collections.Concurrent;

namespace Tributary.Server.Http;

/// <summary>
/// Fixed one-minute windows per bucket, each opened by the bucket's first request (the way Nango's in-memory
/// limiter counts). Counters live in this process: with several API processes the limit applies to each.
/// </summary>
internal sealed class RateLimitWindows
{
    private static readonly TimeSpan Length = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<RateLimitBucket, Window> _windows = new();
    private readonly TimeProvider _timeProvider;

    public RateLimitWindows(int limit, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
        _timeProvider = timeProvider;
    }

    public int Limit { get; }

    /// <summary>Counts one request against the bucket.</summary>
    public RateLimitDecision Take(RateLimitBucket bucket)
    {
        var now = _timeProvider.GetUtcNow();
        var window = _windows.GetOrAdd(bucket, _ => new Window());
        lock (window)
        {
            if (window.Count == 0 || now >= window.EndsAt)
            {
                window.EndsAt = now + Length;
                window.Count = 0;
            }

            // A refused request is not counted: a client hammering a closed window does not extend its wait.
            var allowed = window.Count < Limit;
            if (allowed)
            {
                window.Count++;
            }

            return new RateLimitDecision(allowed, Limit, Math.Max(0, Limit - window.Count), window.EndsAt, window.EndsAt - now);
        }
    }

    private sealed class Window
    {
        public DateTimeOffset EndsAt { get; set; }

        public int Count { get; set; }
    }
}

/// <summary>
/// One environment's budget. Calls from sync functions (<c>Nango-Is-Script: true</c>) get their own, as in Nango,
/// so a busy function cannot lock its own operators out of the API.
/// </summary>
internal readonly record struct RateLimitBucket(long EnvironmentId, bool Script);

internal readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, DateTimeOffset ResetAt, TimeSpan RetryAfter);
