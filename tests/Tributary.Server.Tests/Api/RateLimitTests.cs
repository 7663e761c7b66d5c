using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>The per-environment rate limit: 429 <c>too_many_request</c> with <c>Retry-After</c> and <c>X-RateLimit-*</c>.</summary>
public sealed class RateLimitTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Requests_OverTheLimit_AreRefusedWith429AndHeaders(TestDialect dialect)
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var server = await ApiTestServer.StartAsync(dialect, Token, o => o.RateLimitPerMinute = 3, time: time);
        var windowEnd = time.GetUtcNow().AddMinutes(1).ToUnixTimeSeconds();

        var allowed = new List<RawResponse>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add(await GetAsync(server));
        }

        time.Advance(TimeSpan.FromSeconds(20));
        var refused = await GetAsync(server);

        Assert.All(allowed, r => Assert.Equal(200, r.Status));
        Assert.Equal(["2", "1", "0"], allowed.Select(r => r.Header("X-RateLimit-Remaining")));
        Assert.All(allowed, r => Assert.Equal("3", r.Header("X-RateLimit-Limit")));
        Assert.Equal(windowEnd.ToString(CultureInfo.InvariantCulture), allowed[0].Header("X-RateLimit-Reset"));
        Assert.Equal(429, refused.Status);
        Assert.Equal("too_many_request", (string?)refused.Json["error"]!["code"]);
        Assert.Equal("GET", (string?)refused.Json["error"]!["method"]);
        Assert.Equal("/integrations", (string?)refused.Json["error"]!["path"]);
        Assert.Equal((string?)refused.Json["error"]!["message"], (string?)refused.Json["message"]);
        Assert.Equal("40", refused.Header("Retry-After"));
        Assert.Equal(("3", "0"), (refused.Header("X-RateLimit-Limit"), refused.Header("X-RateLimit-Remaining")));
        Assert.Equal(windowEnd.ToString(CultureInfo.InvariantCulture), refused.Header("X-RateLimit-Reset"));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Requests_AfterTheWindow_OrFromAnotherEnvironment_AreAllowed(TestDialect dialect)
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var server = await ApiTestServer.StartAsync(dialect, Token, o => o.RateLimitPerMinute = 2, time: time);
        var control = server.Services.GetRequiredService<IApiKeyStore>();
        var staging = await control.EnsureEnvironmentAsync("staging", Token);
        var stagingKey = ApiKeys.NewSecret();
        await control.CreateApiKeyAsync(staging.Id, ApiKeys.Hash(stagingKey), "staging", [ApiKeys.AllScopes], Token);

        await GetAsync(server);
        await GetAsync(server);
        var refused = await GetAsync(server);
        var otherEnvironment = await GetAsync(server, stagingKey);
        var script = await GetAsync(server, headers: new() { ["Nango-Is-Script"] = "true" });
        time.Advance(TimeSpan.FromSeconds(61));
        var nextWindow = await GetAsync(server);

        Assert.Equal(429, refused.Status);
        Assert.Equal((200, "1"), (otherEnvironment.Status, otherEnvironment.Header("X-RateLimit-Remaining")));
        Assert.Equal(200, script.Status);
        Assert.Equal((200, "1"), (nextWindow.Status, nextWindow.Header("X-RateLimit-Remaining")));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Requests_WithTheLimitOff_AreNeverRefused(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, o => o.RateLimitPerMinute = 0);

        var responses = new List<RawResponse>();
        for (var i = 0; i < 20; i++)
        {
            responses.Add(await GetAsync(server));
        }

        Assert.All(responses, r => Assert.Equal(200, r.Status));
        Assert.All(responses, r => Assert.Null(r.Header("X-RateLimit-Limit")));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Requests_ByDefault_CarryTheGenerousLimit(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);

        var response = await GetAsync(server);

        Assert.Equal(("60000", "59999"), (response.Header("X-RateLimit-Limit"), response.Header("X-RateLimit-Remaining")));
    }

    private static Task<RawResponse> GetAsync(TestServer server, string? secretKey = null, Dictionary<string, string>? headers = null) =>
        ApiTestServer.SendRawAsync(server, HttpMethod.Get, "integrations", null, Token, headers, secretKey);
}
