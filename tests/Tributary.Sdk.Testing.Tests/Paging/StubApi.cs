using System.Net;
using System.Text;

namespace Tributary.Sdk.Testing.Tests.Paging;

/// <summary>A provider API in memory: answers each request with what <see cref="Answer"/> returns and records its path and query.</summary>
internal sealed class StubApi : HttpMessageHandler
{
    public static readonly Uri Base = new("https://api.example.com/v1/");

    private readonly Func<Uri, StubResponse> _answer;

    public StubApi(Func<Uri, StubResponse> answer) => _answer = answer;

    public List<string> Requests { get; } = [];

    public HttpClient Client() => new(this, disposeHandler: false) { BaseAddress = Base };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        Requests.Add(uri.PathAndQuery);
        var answer = _answer(uri);
        var response = new HttpResponseMessage(answer.Status) { Content = new StringContent(answer.Body, Encoding.UTF8, "application/json") };
        if (answer.Link is not null)
        {
            response.Headers.TryAddWithoutValidation("Link", answer.Link);
        }

        return Task.FromResult(response);
    }

    /// <summary>The value of <paramref name="name"/> in <paramref name="uri"/>'s query, or null.</summary>
    public static string? Query(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair[0] == name)
            .Select(pair => Uri.UnescapeDataString(pair[1]))
            .FirstOrDefault();
}

internal sealed record StubResponse(string Body, string? Link = null, HttpStatusCode Status = HttpStatusCode.OK);
