namespace Tributary.FakeProviders;

/// <summary>
/// A failure a fake answers with instead of serving a request. Build one with the factory methods and hand it to
/// <see cref="FaultInjector"/>.
/// </summary>
public sealed record Fault
{
    private Fault(FaultKind kind, int statusCode)
    {
        Kind = kind;
        StatusCode = statusCode;
    }

    /// <summary>What the fault does.</summary>
    public FaultKind Kind { get; }

    /// <summary>The status answered (0 for <see cref="FaultKind.Disconnect"/>).</summary>
    public int StatusCode { get; }

    /// <summary>The wait sent in <c>Retry-After</c> (whole seconds, rounded up), or the rate-limit reset delay.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    /// <summary>The body of a <see cref="FaultKind.Status"/> fault; null lets the fake write its usual error body.</summary>
    public string? Body { get; private init; }

    /// <summary>Extra response headers of a <see cref="FaultKind.Status"/> fault.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; private init; } = new Dictionary<string, string>();

    /// <summary>429 with <c>Retry-After</c> when <paramref name="retryAfter"/> is given.</summary>
    public static Fault TooManyRequests(TimeSpan? retryAfter = null) =>
        new(FaultKind.TooManyRequests, 429) { RetryAfter = retryAfter };

    /// <summary>GitHub's secondary rate limit: 403, <c>Retry-After</c>, and the message GitHub sends.</summary>
    public static Fault SecondaryRateLimit(TimeSpan retryAfter) =>
        new(FaultKind.SecondaryRateLimit, 403) { RetryAfter = retryAfter };

    /// <summary>A primary rate limit: 403 with <c>X-RateLimit-Remaining: 0</c> and a reset <paramref name="resetAfter"/> from now.</summary>
    public static Fault PrimaryRateLimit(TimeSpan resetAfter) =>
        new(FaultKind.PrimaryRateLimit, 403) { RetryAfter = resetAfter };

    /// <summary>A 5xx (500 unless given) with the fake's usual error body.</summary>
    public static Fault ServerError(int statusCode = 500) => Status(statusCode);

    /// <summary>Any status, with an optional body (sent as <c>application/json</c>) and headers.</summary>
    public static Fault Status(int statusCode, string? body = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new Fault(FaultKind.Status, statusCode) { Body = body, Headers = headers ?? new Dictionary<string, string>() };
    }

    /// <summary>Aborts the connection without an answer.</summary>
    public static Fault Disconnect() => new(FaultKind.Disconnect, 0);

    /// <summary>The <c>Retry-After</c> value in whole seconds, rounded up.</summary>
    internal string? RetryAfterSeconds =>
        RetryAfter is { } wait ? ((long)Math.Ceiling(Math.Max(0, wait.TotalSeconds))).ToString() : null;
}
