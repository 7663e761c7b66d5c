using System.Collections.Concurrent;

namespace Tributary.Server.Http;

/// <summary>
/// Fixed one-minute windows per bucket, each opened by the bucket's first request (the way Nango's in-memory
/// limiter counts). Counters live in this process: with several API processes the limit applies to each.
/// </summary>
/// <remarks>
/// Used twice: per environment for authenticated requests (<see cref="RateLimitBucket"/>), and per remote address
/// for failed authentications (<see cref="Take"/> when a 401 is answered, <see cref="Peek"/> before serving).
/// </remarks>
internal sealed class RateLimitWindows<TBucket>
    where TBucket : notnull
{
    /// <summary>Above this many buckets, closed windows are dropped before a new one opens (a bound on memory).</summary>
    private const int PruneAbove = 10_000;

    private static readonly TimeSpan Length = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<TBucket, Window> _windows = new();
    private readonly TimeProvider _timeProvider;

    public RateLimitWindows(int limit, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
        _timeProvider = timeProvider;
    }

    public int Limit { get; }

    /// <summary>Counts one request against the bucket.</summary>
    public RateLimitDecision Take(TBucket bucket)
    {
        var now = _timeProvider.GetUtcNow();
        if (_windows.Count > PruneAbove && !_windows.ContainsKey(bucket))
        {
            Prune(now);
        }

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

    /// <summary>The bucket's state without counting a request: whether one more would be allowed now.</summary>
    public RateLimitDecision Peek(TBucket bucket)
    {
        var now = _timeProvider.GetUtcNow();
        if (!_windows.TryGetValue(bucket, out var window))
        {
            return new RateLimitDecision(true, Limit, Limit, now + Length, Length);
        }

        lock (window)
        {
            if (window.Count == 0 || now >= window.EndsAt)
            {
                return new RateLimitDecision(true, Limit, Limit, now + Length, Length);
            }

            return new RateLimitDecision(window.Count < Limit, Limit, Math.Max(0, Limit - window.Count), window.EndsAt, window.EndsAt - now);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (bucket, window) in _windows)
        {
            bool closed;
            lock (window)
            {
                closed = now >= window.EndsAt;
            }

            if (closed)
            {
                _windows.TryRemove(bucket, out _);
            }
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
