using Microsoft.Extensions.Logging;
using Tributary.Core.Credentials;
using Tributary.Core.Logs;
using Tributary.Core.Telemetry;

namespace Tributary.Core.Engine;

/// <summary>
/// Builds the provider <see cref="HttpClient"/> a run sees: the API base URL (the integration's <c>base_url</c>, else
/// the provider template's <c>proxy.base_url</c>) and a handler chain — credentials applied per the provider's auth
/// mode, with one refresh-and-retry after a 401; then retries of rate limits and server errors
/// (<see cref="ProviderRetryHandler"/>); then redirects, credentials kept within an origin
/// (<see cref="ProviderRedirectHandler"/>) — over one shared socket handler that keeps connection pooling across runs
/// and proxy calls; a <see cref="ProviderCallHandler"/> at the bottom writes every attempt to the run's log and counts it.
/// </summary>
/// <remarks>Another step goes into <see cref="BuildChain"/> as one more DelegatingHandler.</remarks>
public sealed class ProviderHttpClientFactory : IDisposable
{
    /// <remarks>Redirects are followed by <see cref="ProviderRedirectHandler"/>, which keeps the credentials within an origin.</remarks>
    private readonly SocketsHttpHandler _shared = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AllowAutoRedirect = false };
    private readonly ConnectionCredentials _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ProviderHttpClientFactory> _logger;

    public ProviderHttpClientFactory(ConnectionCredentials credentials, TimeProvider timeProvider, ILogger<ProviderHttpClientFactory> logger)
    {
        _credentials = credentials;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <param name="credentials">The connection's credentials, already fresh (<see cref="ConnectionCredentials.GetAsync"/>).</param>
    /// <param name="integrationBaseUrl">The integration's <c>base_url</c> override, if any.</param>
    public HttpClient Create(FreshCredentials credentials, string? integrationBaseUrl, RunLog? log = null, TributaryMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var client = new HttpClient(BuildChain(credentials, ProviderRetryOptions.Runs, log, metrics), disposeHandler: true);
        if (CredentialApplier.BaseUrl(credentials, integrationBaseUrl) is { } baseUrl)
        {
            client.BaseAddress = baseUrl;
        }

        return client;
    }

    /// <summary>
    /// A run's handler chain on its own, for a caller that puts its own client or handlers around it (a dryrun wraps it
    /// in the function's test context with a call log and a response recorder); the caller disposes it.
    /// </summary>
    public HttpMessageHandler CreateHandler(FreshCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return BuildChain(credentials, ProviderRetryOptions.Runs, null, null);
    }

    /// <summary>
    /// The proxy's pipeline for one call: the same chain as a run's (no run log), as an invoker that hands the answer
    /// back as soon as its headers arrive, so the body streams. Retries only when the request asks
    /// (<see cref="ProviderRetryHandler.RetriesOption"/>); the response must be disposed by the caller.
    /// </summary>
    /// <param name="applied">What the credentials add to a request, when the caller has it already (the proxy keeps it with the credentials).</param>
    public HttpMessageInvoker CreateInvoker(FreshCredentials credentials, TributaryMetrics? metrics = null, AppliedCredentials? applied = null)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return new HttpMessageInvoker(BuildChain(credentials, ProviderRetryOptions.Proxy, null, metrics, applied, keepRejection: true), disposeHandler: true);
    }

    public void Dispose() => _shared.Dispose();

    /// <summary>The run's handlers, innermost first; the first one added is the last to see a request.</summary>
    private HttpMessageHandler BuildChain(
        FreshCredentials credentials, ProviderRetryOptions retries, RunLog? log, TributaryMetrics? metrics, AppliedCredentials? applied = null, bool keepRejection = false)
    {
        HttpMessageHandler chain = new SharedHandler(_shared);
        chain = new ProviderCallHandler(chain, log, metrics);
        chain = new ProviderRedirectHandler(chain);
        chain = new ProviderRetryHandler(chain, credentials.Provider?.Proxy.Retry, retries, _timeProvider);
        chain = new ProviderAuthHandler(_credentials, credentials, _logger, log, applied) { InnerHandler = chain, KeepsTheRejectionWhenTheRefreshFails = keepRejection };
        return chain;
    }

    /// <summary>The end of every run's chain: forwards to the shared socket handler without ever disposing it.</summary>
    private sealed class SharedHandler(SocketsHttpHandler shared) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _invoker = new(shared, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _invoker.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
