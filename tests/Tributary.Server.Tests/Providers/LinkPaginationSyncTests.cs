using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Tributary.Core;
using Tributary.FakeProviders;
using Tributary.Testing;

namespace Tributary.Server.Tests.Providers;

/// <summary>
/// A sync on provider <c>github</c> that pages through 10,000 issues of the fake GitHub-like API with the SDK's
/// <c>Link</c> helper (the provider's <c>proxy.paginate</c> default), over HTTP on both databases.
/// </summary>
public sealed class LinkPaginationSyncTests
{
    private const int IssueCount = 10_000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task TenThousandIssuesAcrossLinkPages_TokenExpiringMidRun_RefreshedOnce_RecordsEqualTheFakesData(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = IssueCount }, Token);
        await using var server = await StartAsync(dialect, fakes);
        var tokens = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "gh-links", tokens, TimeProvider.System.GetUtcNow().AddHours(1));
        LinkPagedIssuesTestFunction.AfterPage["gh-links"] = (40, () => fakes.OAuth.ExpireAccessToken(tokens.AccessToken));

        var run = await server.WaitForRunAsync(await server.TriggerAsync("gh-links", "issues", Token, integration: "github"), Token, TimeSpan.FromMinutes(3));

        Assert.Equal("succeeded", (string?)run["state"]);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        var pages = fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues);
        Assert.Equal(IssueCount / 100 + 1, pages.Count); // 100 pages, and page 41 sent twice: refused with 401, then refreshed
        Assert.Single(pages, p => p.StatusCode == (int)HttpStatusCode.Unauthorized);
        Assert.All(pages, p => Assert.Equal("100", p.Query("per_page"))); // the provider default's parameter, this call's size
        Assert.Equal(Expected(fakes), await StoredAsync(server, "gh-links"));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task TenThousandIssuesAcrossLinkPages_SurviveInjected429sAndSecondaryLimits(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = IssueCount }, Token);
        await using var server = await StartAsync(dialect, fakes);
        var tokens = fakes.OAuth.IssueTokens();
        await ImportAsync(server, "gh-limits", tokens, TimeProvider.System.GetUtcNow().AddHours(1));
        var tooMany = fakes.GitHub.Faults.Inject(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), endpoint: FakeEndpoints.GitHubIssues, after: 10, times: 2);
        var secondary = fakes.GitHub.Faults.Inject(Fault.SecondaryRateLimit(TimeSpan.FromSeconds(1)), endpoint: FakeEndpoints.GitHubIssues, after: 30, times: 2);
        LinkPagedIssuesTestFunction.AfterPage["gh-limits"] = (60, () => fakes.OAuth.ExpireAccessToken(tokens.AccessToken));

        var run = await server.WaitForRunAsync(await server.TriggerAsync("gh-limits", "issues", Token, integration: "github"), Token, TimeSpan.FromMinutes(3));

        Assert.Equal("succeeded", (string?)run["state"]);
        Assert.Equal(2, tooMany.Fired);
        Assert.Equal(2, secondary.Fired);
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        Assert.Equal(Expected(fakes), await StoredAsync(server, "gh-limits"));
    }

    /// <summary>The fake's issues as the function's records carry them, one line of canonical JSON each, by number.</summary>
    private static List<string> Expected(FakeProviders.FakeProviders fakes) =>
        [.. fakes.GitHub.Issues.All.OrderBy(i => i.Number).Select(i => new JsonObject
        {
            ["id"] = i.Number,
            ["github_id"] = i.Id,
            ["title"] = i.Title,
            ["body"] = i.Body,
            ["state"] = i.State,
            ["user"] = i.UserLogin,
            ["labels"] = new JsonArray([.. i.Labels.Select(l => (JsonNode?)l)]),
            ["created_at"] = Time(i.CreatedAt),
            ["updated_at"] = Time(i.UpdatedAt),
            ["closed_at"] = i.ClosedAt is { } closed ? Time(closed) : null,
        }.ToJsonString())];

    /// <summary>Every stored Issue record through <c>GET /records</c>, without Nango's metadata, in the same form.</summary>
    private static async Task<List<string>> StoredAsync(TestServer server, string connectionId)
    {
        var records = new List<JsonObject>();
        string? cursor = null;
        for (var page = 0; page < 1_000; page++)
        {
            var answer = await server.Client.RecordsAsync("github", connectionId, "Issue", cursor, 1000, Token);
            records.AddRange(answer!["records"]!.AsArray().Select(r => (JsonObject)r!.DeepClone()));
            cursor = (string?)answer["next_cursor"];
            if (cursor is null)
            {
                break;
            }
        }

        return [.. records
            .Select(r =>
            {
                r.Remove("_nango_metadata");
                r["id"] = long.Parse(r["id"]!.ToString(), CultureInfo.InvariantCulture);
                return r;
            })
            .OrderBy(r => (long)r["id"]!)
            .Select(r => Canonical(r).ToJsonString())];
    }

    /// <summary>The record's fields in the order <see cref="Expected"/> writes them, so the JSON texts compare.</summary>
    private static JsonObject Canonical(JsonObject record)
    {
        string[] order = ["id", "github_id", "title", "body", "state", "user", "labels", "created_at", "updated_at", "closed_at"];
        var canonical = new JsonObject();
        foreach (var name in order.Concat(record.Select(p => p.Key).Where(k => !order.Contains(k)).Order(StringComparer.Ordinal)))
        {
            canonical[name] = record[name]?.DeepClone();
        }

        return canonical;
    }

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Provider <c>github</c> as the catalogue has it (<c>Link</c> pagination with <c>per_page</c>), its OAuth endpoints
    /// replaced by the fake's (a <c>providers:</c> entry of the same name replaces the built-in one), and the
    /// integration's <c>base_url</c> at the fake GitHub-like API.
    /// </summary>
    private static async Task<TestServer> StartAsync(TestDialect dialect, FakeProviders.FakeProviders fakes)
    {
        FakeOAuthApp.ExposeSecret();
        var config = $"""
            providers:
              github:
                auth_mode: OAUTH2
                authorization_url: {fakes.OAuth.AuthorizeUrl}
                token_url: {fakes.OAuth.TokenUrl}
                proxy:
                  base_url: https://api.github.com
                  paginate:
                    type: link
                    limit_name_in_request: per_page
                    link_rel_in_response_header: next
            integrations:
              github:
                provider: github
                base_url: {fakes.GitHub.BaseUrl}
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
                syncs:
                  issues:
                    function: {LinkPagedIssuesTestFunction.Name}
                    models: [Issue]
                    frequency: every 1h
                    auto_start: false
            """;
        return await TestServer.StartAsync(
            dialect,
            Token,
            config,
            services: s => s.AddSyncFunction<LinkPagedIssuesTestFunction>(LinkPagedIssuesTestFunction.Name));
    }

    private static Task<JsonNode?> ImportAsync(TestServer server, string connectionId, FakeTokenSet tokens, DateTimeOffset expiresAt) =>
        FakeOAuthApp.ImportAsync(server, "github", connectionId, tokens, expiresAt, Token);
}
