using System.Net.Http.Headers;
using System.Text;

namespace Tributary.Core.Declarative;

/// <summary>
/// A client over the run's <see cref="HttpClient"/> that sends each request with the <c>rest:</c> block's method and
/// body. The SDK's paginator only GETs; this lets a POST endpoint (a search API) page the same way, its page
/// parameters in the query, while credentials, refresh and retries stay in the run's client.
/// </summary>
internal sealed class RestHttp(HttpClient inner, HttpMethod method, string? body) : HttpMessageHandler
{
    public static HttpClient Create(HttpClient inner, string method, string? body) =>
        method == "GET" && body is null
            ? inner
            : new HttpClient(new RestHttp(inner, new HttpMethod(method), body), disposeHandler: true) { BaseAddress = inner.BaseAddress };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var rewritten = new HttpRequestMessage(method, request.RequestUri);
        foreach (var header in request.Headers)
        {
            rewritten.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        if (body is not null)
        {
            rewritten.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        return await inner.SendAsync(rewritten, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
