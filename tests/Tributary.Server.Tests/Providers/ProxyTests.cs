using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tributary.FakeProviders;
using Tributary.Testing;

namespace Tributary.Server.Tests.Providers;

/// <summary>Nango's <c>/proxy/*</c> over HTTP against the fake GitHub-like and HubSpot-like APIs, on both databases.</summary>
public sealed class ProxyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Get_InjectsTheConnectionsToken_ForwardsNangoProxyHeaders_AndPassesTheAnswerThrough(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 20 }, Token);
        await using var server = await StartAsync(dialect, fakes);
        var tokens = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "c1", "gh", tokens, TimeProvider.System.GetUtcNow().AddHours(1));
        using var http = Client(server);
        using var request = Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues?state=all&per_page=5", "gh", "c1");
        request.Headers.Add("Nango-Proxy-X-Custom", "custom-value");
        request.Headers.Add("X-Not-Forwarded", "nope");

        using var response = await http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!.AsArray().Count);
        Assert.Contains("rel=\"next\"", response.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("X-RateLimit-Remaining"));
        var sent = Assert.Single(fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues));
        Assert.Equal($"Bearer {tokens.AccessToken}", sent.Header("authorization"));
        Assert.Equal("custom-value", sent.Header("x-custom"));
        Assert.Null(sent.Header("x-not-forwarded"));
        Assert.Null(sent.Header("connection-id"));
        Assert.Equal("5", sent.Query("per_page"));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Post_ForwardsTheBodyAndContentType(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { HubSpotContacts = 30 }, Token);
        await using var server = await StartAsync(dialect, fakes);
        await ImportAsync(server, "c1", "hs", fakes.OAuth.IssueTokens(), TimeProvider.System.GetUtcNow().AddHours(1));
        using var http = Client(server);
        using var request = Proxy(HttpMethod.Post, "/proxy/crm/v3/objects/contacts/search", "hs", "c1");
        request.Content = new StringContent("""{"limit":7,"filterGroups":[]}""", System.Text.Encoding.UTF8, "application/json");

        using var response = await http.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7, JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!["results"]!.AsArray().Count);
        var sent = Assert.Single(fakes.HubSpot.Requests.For(FakeEndpoints.HubSpotContactsSearch));
        Assert.Contains("\"limit\":7", sent.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Retries_Honour429RetryAfter_AndSecondaryLimit403s_OnlyWhenAsked(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes);
        await ImportAsync(server, "c1", "hs", fakes.OAuth.IssueTokens(), TimeProvider.System.GetUtcNow().AddHours(1));
        await ImportAsync(server, "c1", "gh", fakes.OAuth.IssueTokens(), TimeProvider.System.GetUtcNow().AddHours(1));
        using var http = Client(server);

        // Nango's default: no retries, the provider's 429 comes back as it is.
        fakes.HubSpot.Faults.Inject(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 1);
        using (var plain = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/crm/v3/objects/contacts", "hs", "c1"), Token))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, plain.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), plain.Headers.RetryAfter?.Delta);
        }

        fakes.HubSpot.Requests.Clear();
        fakes.HubSpot.Faults.Inject(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 2);
        using var retried = Proxy(HttpMethod.Get, "/proxy/crm/v3/objects/contacts", "hs", "c1");
        retried.Headers.Add("Retries", "3");
        var started = Stopwatch.GetTimestamp();
        using (var response = await http.SendAsync(retried, Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromSeconds(1.9), "two Retry-After: 1 waits");
        Assert.Equal(3, fakes.HubSpot.Requests.Count);

        fakes.GitHub.Faults.Inject(Fault.SecondaryRateLimit(TimeSpan.Zero), endpoint: FakeEndpoints.GitHubIssues, times: 1);
        fakes.GitHub.Faults.Inject(Fault.ServerError(502), endpoint: FakeEndpoints.GitHubIssues, times: 1);
        using var github = Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues", "gh", "c1");
        github.Headers.Add("Retries", "2");
        using (var response = await http.SendAsync(github, Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues).Count);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ExpiredToken_IsRefreshedBeforeTheCall_AndA401ByTheProvider_OnceAfter(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes);
        var expired = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "old", "gh", expired, TimeProvider.System.GetUtcNow().AddMinutes(-1));
        var revoked = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "revoked", "gh", revoked, TimeProvider.System.GetUtcNow().AddHours(1));
        fakes.OAuth.ExpireAccessToken(revoked.AccessToken);
        using var http = Client(server);

        using (var response = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues", "gh", "old"), Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        Assert.NotEqual($"Bearer {expired.AccessToken}", fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues)[^1].Header("authorization"));

        using (var response = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues", "gh", "revoked"), Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, fakes.OAuth.TokenRequestCount("refresh_token"));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ARefusedRefresh_IsAServerError_AndWhileItCoolsDown_424ConnectionRefreshBackoff(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes);
        await ImportAsync(server, "old", "gh", fakes.OAuth.IssueTokens(), TimeProvider.System.GetUtcNow().AddMinutes(-1));
        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;
        using var http = Client(server);

        using var refused = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues", "gh", "old"), Token);
        using var coolingDown = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues", "gh", "old"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("server_error", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync(Token))!["error"]!["code"]);
        Assert.Equal(HttpStatusCode.FailedDependency, coolingDown.StatusCode);
        Assert.Equal("connection_refresh_backoff", (string?)JsonNode.Parse(await coolingDown.Content.ReadAsStringAsync(Token))!["error"]!["code"]);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        Assert.Empty(fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task A401WhoseRefreshIsRefused_IsTheProvidersOwn401_NotAServerError(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes);
        var revoked = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "revoked", "gh", revoked, TimeProvider.System.GetUtcNow().AddHours(1));
        fakes.OAuth.ExpireAccessToken(revoked.AccessToken);
        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;
        using var http = Client(server);

        using var response = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues", "gh", "revoked"), Token);

        // Nango's proxy passes the provider's answer through; the refresh it tried in between was refused.
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        Assert.Single(fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues));
        Assert.DoesNotContain("generic_error_support", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ADeletedConnection_IsUnknownToTheProxyAtOnce_AndItsReimportsTokenIsUsedAtOnce(TestDialect dialect)
    {
        // The proxy keeps a resolved connection for a second (ProxyTargets); a delete in this process must not wait for it.
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes);
        var first = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "c1", "gh", first, TimeProvider.System.GetUtcNow().AddHours(1));
        using var http = Client(server);
        using (var warm = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues", "gh", "c1"), Token))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        using (var deleted = await http.DeleteAsync("connections/c1?provider_config_key=gh", Token))
        {
            Assert.True(deleted.IsSuccessStatusCode, await deleted.Content.ReadAsStringAsync(Token));
        }

        using (var gone = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues", "gh", "c1"), Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, gone.StatusCode);
            Assert.Contains("unknown_connection", await gone.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        }

        var second = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "c1", "gh", second, TimeProvider.System.GetUtcNow().AddHours(1));
        using (var again = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/repos/octo-org/octo-repo/issues", "gh", "c1"), Token))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        Assert.Equal($"Bearer {second.AccessToken}", fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues)[^1].Header("authorization"));
        Assert.Equal(2, fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues).Count);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task BadCalls_AreAnsweredInNangosShape(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes);
        using var http = Client(server);

        using var missing = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "proxy/user"), Token);
        var missingBody = JsonNode.Parse(await missing.Content.ReadAsStringAsync(Token))!;
        using var unknownIntegration = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/user", "nope", "c1"), Token);
        using var unknownConnection = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/user", "gh", "nope"), Token);
        using var badRetries = Proxy(HttpMethod.Get, "/proxy/user", "gh", "c1");
        badRetries.Headers.Add("Retries", "many");
        using var badRetriesAnswer = await http.SendAsync(badRetries, Token);
        using var badOverride = Proxy(HttpMethod.Get, "/proxy/user", "gh", "nope");
        badOverride.Headers.Add("Base-Url-Override", "not a url");
        using var badOverrideAnswer = await http.SendAsync(badOverride, Token);
        var badOverrideError = JsonNode.Parse(await badOverrideAnswer.Content.ReadAsStringAsync(Token))!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("invalid_headers", (string?)missingBody["error"]!["code"]);
        // Nango's allProxy test: the issues in its schema's order, provider-config-key first.
        Assert.Equal(
            ["provider-config-key", "connection-id"],
            missingBody["error"]!["errors"]!.AsArray().Select(i => (string?)i!["path"]![0]));
        Assert.Equal(HttpStatusCode.NotFound, unknownIntegration.StatusCode);
        Assert.Equal(
            """{"code":"unknown_provider_config","message":"Provider config not found for the given provider config key. Please make sure the provider config exists in the Nango dashboard."}""",
            JsonNode.Parse(await unknownIntegration.Content.ReadAsStringAsync(Token))!["error"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, unknownConnection.StatusCode);
        Assert.Contains("unknown_connection", await unknownConnection.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badRetriesAnswer.StatusCode);

        // A bad override is a header issue, found before the (here unknown) connection is looked up.
        Assert.Equal(HttpStatusCode.BadRequest, badOverrideAnswer.StatusCode);
        Assert.Equal("invalid_headers", (string?)badOverrideError["code"]);
        Assert.Equal("""[{"code":"invalid_format","message":"Invalid URL","path":["base-url-override"]}]""", badOverrideError["errors"]!.ToJsonString());
        Assert.Empty(fakes.GitHub.Requests.Entries);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ALargeDownload_Streams_WhileTheProviderIsStillSending(TestDialect dialect)
    {
        const int ChunkBytes = 64 * 1024;
        const int FirstPart = 64;   // 4 MiB before the provider waits
        const int SecondPart = 64;  // 4 MiB more after the test has read the first part through the proxy
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await StartUpstreamAsync(async context =>
        {
            context.Response.ContentType = "application/octet-stream";
            var chunk = new byte[ChunkBytes];
            Array.Fill(chunk, (byte)'x');
            for (var i = 0; i < FirstPart; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }

            await context.Response.Body.FlushAsync(context.RequestAborted);
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            for (var i = 0; i < SecondPart; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(dialect, fakes);
        await ImportAsync(server, "c1", "gh", fakes.OAuth.IssueTokens(), TimeProvider.System.GetUtcNow().AddHours(1));
        using var http = Client(server);
        using var request = Proxy(HttpMethod.Get, "/proxy/download", "gh", "c1");
        request.Headers.Add("Base-Url-Override", upstream.Url);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        await using var body = await response.Content.ReadAsStreamAsync(Token);
        var buffer = new byte[ChunkBytes];
        long read = 0;
        while (read < FirstPart * (long)ChunkBytes)
        {
            var n = await body.ReadAsync(buffer, Token);
            Assert.NotEqual(0, n);
            read += n;
        }

        // The first 4 MiB came through while the provider has not finished: nothing waited for the whole body.
        Assert.False(release.Task.IsCompleted);
        release.SetResult();
        int more;
        while ((more = await body.ReadAsync(buffer, Token)) > 0)
        {
            read += more;
        }

        Assert.Equal((FirstPart + SecondPart) * (long)ChunkBytes, read);
    }

    [Fact]
    public async Task ARedirect_WithinTheProvidersOrigin_KeepsTheToken_AndOneToAnotherOriginDoesNot()
    {
        // Another origin (its own port) that says which Authorization it was sent.
        await using var elsewhere = await StartUpstreamAsync(context => context.Response.WriteAsync($"elsewhere:{context.Request.Headers.Authorization}", context.RequestAborted));
        await using var upstream = await StartUpstreamAsync(context =>
        {
            switch (context.Request.Path.Value)
            {
                case "/repos/old":
                    context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
                    context.Response.Headers.Location = "/repositories/42";
                    return Task.CompletedTask;
                case "/download":
                    context.Response.StatusCode = StatusCodes.Status302Found;
                    context.Response.Headers.Location = $"{elsewhere.Url}/file";
                    return Task.CompletedTask;
                default:
                    return context.Response.WriteAsync($"{context.Request.Path}:{context.Request.Headers.Authorization}", context.RequestAborted);
            }
        });
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes);
        var tokens = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "c1", "gh", tokens, TimeProvider.System.GetUtcNow().AddHours(1));
        using var http = Client(server);

        async Task<string> GetAsync(string path)
        {
            using var request = Proxy(HttpMethod.Get, path, "gh", "c1");
            request.Headers.Add("Base-Url-Override", upstream.Url);
            using var response = await http.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync(Token);
        }

        Assert.Equal($"/repositories/42:Bearer {tokens.AccessToken}", await GetAsync("/proxy/repos/old"));
        Assert.Equal("elsewhere:", await GetAsync("/proxy/download"));
    }

    [Fact]
    public async Task AProviderWithoutABaseUrl_IsNangosUnsupportedProvider_UnlessTheCallGivesOne()
    {
        await using var upstream = await StartUpstreamAsync(context => context.Response.WriteAsync("from the override", context.RequestAborted));
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions(), Token);
        await using var server = await StartAsync(TestDialect.Sqlite, fakes);
        await server.Client.SendAsync(HttpMethod.Post, "integrations", new JsonObject { ["provider"] = "no-template", ["unique_key"] = "plain" }, null, Token);
        await server.Client.SendAsync(
            HttpMethod.Post,
            "connections",
            new JsonObject { ["provider_config_key"] = "plain", ["connection_id"] = "p1", ["credentials"] = new JsonObject { ["type"] = "NONE" } },
            null,
            Token);
        using var http = Client(server);

        using var noBase = await http.SendAsync(Proxy(HttpMethod.Get, "/proxy/items", "plain", "p1"), Token);
        using var withOverride = Proxy(HttpMethod.Get, "/proxy/items", "plain", "p1");
        withOverride.Headers.Add("Base-Url-Override", upstream.Url);
        using var overridden = await http.SendAsync(withOverride, Token);

        Assert.Equal(HttpStatusCode.BadRequest, noBase.StatusCode);
        Assert.Equal("unsupported_provider", (string?)JsonNode.Parse(await noBase.Content.ReadAsStringAsync(Token))!["error"]!["code"]);
        Assert.Equal("from the override", await overridden.Content.ReadAsStringAsync(Token));
    }

    private static HttpClient Client(TestServer server)
    {
        var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.SecretKey);
        return http;
    }

    private static HttpRequestMessage Proxy(HttpMethod method, string path, string integration, string connection)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        request.Headers.Add("Provider-Config-Key", integration);
        request.Headers.Add("Connection-Id", connection);
        return request;
    }

    private static async Task<Upstream> StartUpstreamAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync(Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Upstream(app, address);
    }

    private static async Task<TestServer> StartAsync(TestDialect dialect, FakeProviders.FakeProviders fakes)
    {
        FakeOAuthApp.ExposeSecret();
        var config = $"""
            providers:
              fake-github:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                proxy:
                  base_url: {fakes.GitHub.BaseUrl}
              fake-hubspot:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                proxy:
                  base_url: {fakes.HubSpot.BaseUrl}
                  retry:
                    after: retry-after
            integrations:
              gh:
                provider: fake-github
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
              hs:
                provider: fake-hubspot
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
            """;
        return await TestServer.StartAsync(dialect, Token, config);
    }

    private static Task<JsonNode?> ImportAsync(TestServer server, string connectionId, string integration, FakeTokenSet tokens, DateTimeOffset expiresAt) =>
        FakeOAuthApp.ImportAsync(server, integration, connectionId, tokens, expiresAt, Token);

    private sealed record Upstream(WebApplication App, string Url) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }
}
