using System.Net;

namespace Tributary.Client;

/// <summary>
/// Retries an answer of 429 Too Many Requests after the server's <c>Retry-After</c>, a bounded number of times. A 429
/// means the request was refused before it did anything, so sending it again (a trigger included) is safe.
/// </summary>
/// <remarks>
/// Hand-written rather than Microsoft.Extensions.Http.Resilience: this one rule is all the client needs, and the
/// resilience stack (Polly, telemetry, compliance packages) would weigh on the CLI's start-up and on every package user.
/// </remarks>
public sealed class RetryAfterHandler : DelegatingHandler
{
    private readonly TributaryClientOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the handler.</summary>
    /// <param name="options">How many times and how long to wait at most.</param>
    /// <param name="time">The clock the waits use (tests pass a fake one).</param>
    public RetryAfterHandler(TributaryClientOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt >= _options.MaxRetries)
            {
                return response;
            }

            var delay = DelayOf(response);
            if (delay > _options.MaxRetryDelay)
            {
                return response; // Waiting longer than the caller allows: let it decide.
            }

            response.Dispose();
            await Task.Delay(delay, _time, cancellationToken);
        }
    }

    private TimeSpan DelayOf(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            var wait = date - _time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return _options.DefaultRetryDelay;
    }
}
