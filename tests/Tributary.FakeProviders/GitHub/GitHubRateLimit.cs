namespace Tributary.FakeProviders;

/// <summary>GitHub's primary rate limit: a budget of requests per hour, reset at a fixed time each window.</summary>
internal sealed class GitHubRateLimit(TimeProvider timeProvider)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly Lock _lock = new();
    private DateTimeOffset _resetAt;
    private int _used;

    public int Limit { get; set; } = 5000;

    /// <summary>Counts one request; false when the budget of the current window is spent.</summary>
    public bool TryTake(out int remaining, out DateTimeOffset resetAt, out int used)
    {
        lock (_lock)
        {
            var now = timeProvider.GetUtcNow();
            if (now >= _resetAt)
            {
                _resetAt = FakeClock.ToSeconds(now + Window);
                _used = 0;
            }

            var allowed = _used < Limit;
            if (allowed)
            {
                _used++;
            }

            remaining = Limit - _used;
            resetAt = _resetAt;
            used = _used;
            return allowed;
        }
    }

    public void Reset()
    {
        lock (_lock)
        {
            _resetAt = DateTimeOffset.MinValue;
            _used = 0;
        }
    }
}
