namespace Tributary.Sdk.Testing;

/// <summary>The default provider handler: a unit test must not reach the network unless it says how to answer.</summary>
internal sealed class NoNetworkHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(
            $"TestSyncContext has no network; the function called {request.RequestUri}. Set TestSyncContext.HttpHandler to answer provider calls.");
}
