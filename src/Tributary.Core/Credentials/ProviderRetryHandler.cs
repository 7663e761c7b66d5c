using Tributary.Core.Providers;

namespace Tributary.Core.Credentials;

/// <summary>
/// The retry step of the provider pipeline (runs and the proxy): a rate-limited or failed answer
/// (<see cref="ProviderRetryDelay.IsRetryable"/>) or a lost connection is tried again after the wait the provider
/// asked for, else after an exponential backoff with jitter; at most the request's retry count, and never a wait
/// longer than <see cref="ProviderRetryOptions.MaxWait"/>.
/// </summary>
/// <remarks>
/// Only a request whose body can be sent again is retried: none, or bytes in memory. A streamed body was consumed
/// by the first attempt. Sits under the credentials step, so each attempt carries the current token, and over the
/// call log, so each attempt is one line of the run's log.
/// </remarks>
public sealed class ProviderRetryHandler : DelegatingHandler
{
    /// <summary>A request's own retry count (the proxy's <c>Retries</c> header), instead of the options' default.</summary>
    public static readonly HttpRequestOptionsKey<int> RetriesOption = new("tributary.provider.retries");

    private readonly ProviderRetry? _hints;
    private readonly ProviderRetryOptions _options;
    private readonly TimeProvider _timeProvider;

    public ProviderRetryHandler(HttpMessageHandler inner, ProviderRetry? hints, ProviderRetryOptions options, TimeProvider timeProvider)
        : base(inner)
    {
        _hints = hints;
        _options = options;
        _timeProvider = timeProvider;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var maxRetries = request.Options.TryGetValue(RetriesOption, out var own) ? Math.Max(0, own) : _options.MaxRetries;
        var replayable = IsReplayable(request.Content);
        for (var retry = 0; ; retry++)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (replayable && retry < maxRetries && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Computed(retry), _timeProvider, cancellationToken);
                continue;
            }

            if (!replayable || retry >= maxRetries || !ProviderRetryDelay.IsRetryable(response, _hints))
            {
                return response;
            }

            var wait = ProviderRetryDelay.Requested(response, _hints, _timeProvider.GetUtcNow()) ?? Computed(retry);
            if (wait > _options.MaxWait)
            {
                return response; // The provider asked for longer than we wait: its answer says why.
            }

            response.Dispose();
            await Task.Delay(wait, _timeProvider, cancellationToken);
        }
    }

    /// <summary>Exponential, capped, half of it random so that callers hit by the same limit do not return in lockstep.</summary>
    private TimeSpan Computed(int retry)
    {
        var step = Math.Min(_options.MaxDelay.Ticks, _options.FirstDelay.Ticks * Math.Pow(2, Math.Min(retry, 30)));
        var half = (long)step / 2;
        return TimeSpan.FromTicks(half + Random.Shared.NextInt64(half + 1));
    }

    private static bool IsReplayable(HttpContent? content) =>
        content is null or ByteArrayContent or ReadOnlyMemoryContent;
}
