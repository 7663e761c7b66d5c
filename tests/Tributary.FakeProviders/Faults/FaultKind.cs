namespace Tributary.FakeProviders;

/// <summary>What an injected <see cref="Fault"/> does; each fake renders it the way its real provider does.</summary>
public enum FaultKind
{
    /// <summary>429 Too Many Requests, with <c>Retry-After</c> when given.</summary>
    TooManyRequests,

    /// <summary>GitHub's secondary rate limit: 403 with <c>Retry-After</c> and GitHub's message.</summary>
    SecondaryRateLimit,

    /// <summary>A primary rate limit: 403 with <c>X-RateLimit-Remaining: 0</c> and <c>X-RateLimit-Reset</c>.</summary>
    PrimaryRateLimit,

    /// <summary>Any status with an optional body and headers.</summary>
    Status,

    /// <summary>The connection is aborted without an answer (a network error for the client).</summary>
    Disconnect,
}
