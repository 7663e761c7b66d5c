using System.Net;
using Microsoft.Extensions.Logging;
using Tributary.Core.Logs;

namespace Tributary.Core.Credentials;

/// <summary>
/// The credentials step of a run's provider pipeline: applies the connection's credentials to every request and,
/// when the provider answers 401 to the token it sent, refreshes once (single-flight, <see cref="ConnectionCredentials"/>)
/// and sends the request again with the new token.
/// </summary>
/// <remarks>
/// A request is sent again only when its body can be: none, or bytes in memory (string, form, byte array). A
/// streamed body has been consumed by the first attempt, so its 401 goes back to the caller.
/// </remarks>
public sealed class ProviderAuthHandler : DelegatingHandler
{
    private readonly ConnectionCredentials _source;
    private readonly ILogger _logger;
    private readonly RunLog? _runLog;
    private Applied _current;

    /// <summary>
    /// Whether a refresh that fails after a 401 hands back the provider's 401 (the proxy: the caller gets the provider's
    /// answer, as Nango's proxy passes it through) instead of throwing the refresh's failure (a run: its function's call
    /// fails with what the token endpoint said, as in Nango's runner).
    /// </summary>
    public bool KeepsTheRejectionWhenTheRefreshFails { get; init; }

    /// <param name="runLog">The run's log, which must learn every token the run obtains; null for the proxy.</param>
    /// <param name="initialApplied">What <paramref name="initial"/> adds to a request, when the caller computed it already (the proxy's cache).</param>
    public ProviderAuthHandler(ConnectionCredentials source, FreshCredentials initial, ILogger logger, RunLog? runLog = null, AppliedCredentials? initialApplied = null)
    {
        _source = source;
        _current = new Applied(initial, initialApplied ?? CredentialApplier.Compute(initial));
        _logger = logger;
        _runLog = runLog;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // What to add is computed once per set of credentials (a run's thousands of requests share it), not per request.
        var (credentials, applied) = Volatile.Read(ref _current);
        var originalUri = request.RequestUri;
        var added = applied.ApplyTo(request);
        request.Options.Set(Engine.ProviderRedirectHandler.CredentialHeaders, applied.HeaderNames);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || credentials.AccessToken is not { } sent || !IsReplayable(request.Content))
        {
            return response;
        }

        FreshCredentials fresh;
        try
        {
            fresh = await _source.GetAsync(credentials.Stored.ConnectionDbId, CredentialDemand.Rejected(sent), cancellationToken);
        }
        catch (ConnectionRefreshException ex) when (KeepsTheRejectionWhenTheRefreshFails)
        {
            _logger.LogWarning("The provider refused the access token with 401 and the refresh failed; its 401 is answered: {Failure}", ex.Message);
            return response;
        }

        if (fresh.AccessToken == sent)
        {
            return response; // Nothing new to try: the 401 stands.
        }

        // Before anything can log the new token (this retry's request line, the function with its response):
        // the run's scrubber knew only the credentials the run started with.
        _runLog?.AddSecrets(SecretScrubber.FromCredentials(fresh.Credentials.ToJsonString()));
        var freshApplied = new Applied(fresh, CredentialApplier.Compute(fresh));
        Volatile.Write(ref _current, freshApplied);
        _logger.LogInformation("The provider refused the access token with 401; retrying once with refreshed credentials.");
        response.Dispose();
        foreach (var name in added)
        {
            request.Headers.Remove(name);
        }

        request.RequestUri = originalUri;
        freshApplied.Headers.ApplyTo(request);
        request.Options.Set(Engine.ProviderRedirectHandler.CredentialHeaders, freshApplied.Headers.HeaderNames);
        return await base.SendAsync(request, cancellationToken);
    }

    /// <summary>Credentials and what they add to a request, swapped together when a 401 brings new ones.</summary>
    private sealed record Applied(FreshCredentials Credentials, AppliedCredentials Headers);

    private static bool IsReplayable(HttpContent? content) =>
        content is null or ByteArrayContent or ReadOnlyMemoryContent;
}
