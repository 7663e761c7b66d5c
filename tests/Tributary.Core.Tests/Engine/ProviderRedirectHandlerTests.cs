using System.Net;
using System.Net.Http.Headers;
using Tributary.Core.Engine;

namespace Tributary.Core.Tests.Engine;

/// <summary>Redirects of provider calls: credentials kept within an origin, dropped across, methods and bodies as browsers.</summary>
public sealed class ProviderRedirectHandlerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASameOriginRedirect_KeepsTheCredentials_AnotherOriginDropsThem()
    {
        var provider = new ScriptedProvider(
            (HttpStatusCode.MovedPermanently, "/repositories/42"),
            (HttpStatusCode.Found, "https://downloads.example.net/file?sig=x"),
            (HttpStatusCode.OK, null));
        using var invoker = new HttpMessageInvoker(new ProviderRedirectHandler(provider));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/repos/old/name");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "token-1");
        request.Headers.Add("X-Api-Version", "2022-11-28");

        using var response = await invoker.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["https://api.example.com/repos/old/name", "https://api.example.com/repositories/42", "https://downloads.example.net/file?sig=x"],
            provider.Seen.Select(s => s.Url));
        Assert.Equal(["Bearer token-1", "Bearer token-1", null], provider.Seen.Select(s => s.Authorization));
        Assert.All(provider.Seen, s => Assert.Equal("2022-11-28", s.ApiVersion));
    }

    [Fact]
    public async Task ATemplatesCredentialHeader_StaysWithinTheOrigin()
    {
        var provider = new ScriptedProvider(
            (HttpStatusCode.Found, "/v2/items"),
            (HttpStatusCode.Found, "https://files.example.net/blob"),
            (HttpStatusCode.OK, null));
        using var invoker = new HttpMessageInvoker(new ProviderRedirectHandler(provider));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/v1/items");
        request.Headers.Add("X-Api-Version", "secret-api-key");
        request.Options.Set(ProviderRedirectHandler.CredentialHeaders, ["x-api-version"]);

        using var response = await invoker.SendAsync(request, Token);

        // The credential header (named here as the auth handler names it, any case) went to both hops of the origin only.
        Assert.Equal(["secret-api-key", "secret-api-key", null], provider.Seen.Select(s => s.ApiVersion));
    }

    [Fact]
    public async Task MethodsAndBodies_FollowTheStatus_AndAStreamedBodyIsNotSentTwice()
    {
        var seeOther = new ScriptedProvider((HttpStatusCode.SeeOther, "/done"), (HttpStatusCode.OK, null));
        var temporary = new ScriptedProvider((HttpStatusCode.TemporaryRedirect, "/again"), (HttpStatusCode.OK, null));
        var streamed = new ScriptedProvider((HttpStatusCode.TemporaryRedirect, "/again"), (HttpStatusCode.OK, null));
        var downgrade = new ScriptedProvider((HttpStatusCode.Found, "http://api.example.com/plain"), (HttpStatusCode.OK, null));

        using (var invoker = new HttpMessageInvoker(new ProviderRedirectHandler(seeOther)))
        using (var post = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/jobs") { Content = new StringContent("{}") })
        using (var answer = await invoker.SendAsync(post, Token))
        {
            Assert.Equal([("POST", "{}"), ("GET", null)], seeOther.Seen.Select(s => (s.Method, s.Body)));
        }

        using (var invoker = new HttpMessageInvoker(new ProviderRedirectHandler(temporary)))
        using (var put = new HttpRequestMessage(HttpMethod.Put, "https://api.example.com/items/1") { Content = new StringContent("{\"a\":1}") })
        using (var answer = await invoker.SendAsync(put, Token))
        {
            Assert.Equal([("PUT", "{\"a\":1}"), ("PUT", "{\"a\":1}")], temporary.Seen.Select(s => (s.Method, s.Body)));
        }

        using (var invoker = new HttpMessageInvoker(new ProviderRedirectHandler(streamed)))
        using (var upload = new HttpRequestMessage(HttpMethod.Put, "https://api.example.com/items/1") { Content = new StreamContent(new MemoryStream([1, 2, 3])) })
        using (var answer = await invoker.SendAsync(upload, Token))
        {
            Assert.Equal(HttpStatusCode.TemporaryRedirect, answer.StatusCode);
            Assert.Single(streamed.Seen);
        }

        using (var invoker = new HttpMessageInvoker(new ProviderRedirectHandler(downgrade)))
        using (var get = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/secure"))
        using (var answer = await invoker.SendAsync(get, Token))
        {
            Assert.Equal(HttpStatusCode.Found, answer.StatusCode);
            Assert.Single(downgrade.Seen);
        }
    }

    [Fact]
    public async Task ALoop_StopsAfterTheLastHop_AndAnswersTheRedirect()
    {
        var loop = new ScriptedProvider(Enumerable.Repeat<(HttpStatusCode, string?)>((HttpStatusCode.Found, "/again"), 100).ToArray());
        using var invoker = new HttpMessageInvoker(new ProviderRedirectHandler(loop));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example.com/start");

        using var response = await invoker.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(ProviderRedirectHandler.MaxHops + 1, loop.Seen.Count);
    }

    /// <summary>Answers the scripted statuses in turn, recording what each request carried.</summary>
    private sealed class ScriptedProvider(params (HttpStatusCode Status, string? Location)[] script) : HttpMessageHandler
    {
        public List<(string Url, string Method, string? Authorization, string? ApiVersion, string? Body)> Seen { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            Seen.Add((
                request.RequestUri!.ToString(),
                request.Method.Method,
                request.Headers.Authorization?.ToString(),
                request.Headers.TryGetValues("X-Api-Version", out var versions) ? versions.Single() : null,
                body));
            var (status, location) = script[Math.Min(Seen.Count - 1, script.Length - 1)];
            var response = new HttpResponseMessage(status);
            if (location is not null)
            {
                response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
            }

            return response;
        }
    }
}
