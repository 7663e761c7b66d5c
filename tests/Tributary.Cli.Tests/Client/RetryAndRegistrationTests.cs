using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Client;

/// <summary>The 429 retry handler (against a scripted handler) and the <c>IHttpClientFactory</c> registration (against a real server).</summary>
public sealed class RetryAndRegistrationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TooManyRequests_IsRetriedAfterItsRetryAfter_ThenSucceeds()
    {
        var script = new ScriptedHandler(Limited(TimeSpan.FromSeconds(1)), Ok());
        using var client = Client(script, new TributaryClientOptions(), TimeProvider.System);
        var started = TimeProvider.System.GetTimestamp();

        var integrations = await client.Integrations.ListAsync(Token);

        // The real clock: the header's one second is the finest Retry-After there is.
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(10));
        Assert.Empty(integrations);
        Assert.Equal(2, script.Calls);
    }

    [Fact]
    public async Task TooManyRequests_PastTheRetriesOrTheLongestWait_IsThrownWithNangosCode()
    {
        var exhausted = new ScriptedHandler(Limited(TimeSpan.Zero), Limited(TimeSpan.Zero));
        using var once = Client(exhausted, new TributaryClientOptions { MaxRetries = 1 }, TimeProvider.System);
        var tooLong = new ScriptedHandler(Limited(TimeSpan.FromMinutes(10)));
        using var patient = Client(tooLong, new TributaryClientOptions(), TimeProvider.System);

        var first = await Assert.ThrowsAsync<TributaryApiException>(() => once.Integrations.ListAsync(Token));
        var second = await Assert.ThrowsAsync<TributaryApiException>(() => patient.Integrations.ListAsync(Token));

        Assert.Equal((429, "too_many_request", 2), (first.Status, first.Code, exhausted.Calls));
        Assert.Equal((429, 1), (second.Status, tooLong.Calls));
    }

    [Fact]
    public async Task AddTributaryClient_ResolvesATypedClientThatTalksToTheServer()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        var services = new ServiceCollection();
        services.AddTributaryClient(o =>
        {
            o.BaseAddress = new Uri(server.BaseUrl.ToString().TrimEnd('/'));
            o.SecretKey = server.SecretKey;
        });
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<TributaryClient>();
        var integrations = await client.Integrations.ListAsync(Token);

        Assert.Equal(["demo"], integrations.Select(i => i.UniqueKey));
    }

    [Fact]
    public void AddTributaryClient_WithoutAKey_FailsWhenResolved()
    {
        var services = new ServiceCollection();
        services.AddTributaryClient(o => o.BaseAddress = new Uri("http://127.0.0.1:3003"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAny<Exception>(() => provider.GetRequiredService<TributaryClient>());

        Assert.Contains("SecretKey is required", error.ToString(), StringComparison.Ordinal);
    }

    private static TributaryClient Client(HttpMessageHandler inner, TributaryClientOptions options, TimeProvider time) =>
        new(new Uri("http://127.0.0.1:9/"), "key", new HttpClient(new RetryAfterHandler(options, time) { InnerHandler = inner }));

    private static Func<HttpResponseMessage> Limited(TimeSpan retryAfter) => () =>
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            Content = new StringContent("""{"error":{"code":"too_many_request","message":"slow down","method":"GET","path":"/integrations"},"message":"slow down"}"""),
        };
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(retryAfter);
        return response;
    };

    private static Func<HttpResponseMessage> Ok() => () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"data":[]}""") };

    /// <summary>Answers each request with the next scripted response.</summary>
    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] responses) : HttpMessageHandler
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var index = Interlocked.Increment(ref _calls) - 1;
            return Task.FromResult(responses[Math.Min(index, responses.Length - 1)]());
        }
    }
}
