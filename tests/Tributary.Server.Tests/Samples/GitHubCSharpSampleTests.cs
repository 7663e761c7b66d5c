using System.Globalization;
using System.Text.Json.Nodes;
using GitHubSync;
using Tributary.Core;
using Tributary.FakeProviders;
using Tributary.Server.Tests.Providers;
using Tributary.Testing;

namespace Tributary.Server.Tests.Samples;

/// <summary>
/// samples/github-csharp synced by a real server against the fake GitHub, on both databases: a full pass stores exactly
/// the fake's issues and comments across pages, the next run asks only for what changed (<c>since</c> on every
/// request), and a reset's full pass deletes what the repository no longer has.
/// </summary>
public sealed class GitHubCSharpSampleTests
{
    private const int IssueCount = 250;
    private const string ConnectionId = "gh-sample";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task FullPass_Incremental_ThenResetDetectsDeletes_RecordsEqualTheFakesData(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = IssueCount, GitHubCommentsPerIssue = 2 }, Token);
        await using var server = await StartAsync(dialect, fakes);
        await server.Client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "github",
                ["connection_id"] = ConnectionId,
                ["credentials"] = new JsonObject { ["type"] = "OAUTH2", ["access_token"] = fakes.OAuth.IssueTokens().AccessToken },
                ["metadata"] = new JsonObject { ["owner"] = "octo-org", ["repo"] = "octo-repo" },
            },
            Token);

        var full = await RunAsync(server);
        Assert.Equal("succeeded", (string?)full["state"]);
        Assert.Equal(3, fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues).Count); // 100 + 100 + 50
        Assert.Equal(Issues(fakes), await LiveAsync(server, GitHubIssuesSync.IssueModel, r => $"{r["id"]}:{r["title"]}:{r["state"]}:{r["updated_at"]}"));
        Assert.Equal(Comments(fakes), await LiveAsync(server, GitHubIssuesSync.CommentModel, r => $"{r["id"]}:{r["issue_number"]}:{r["body"]}"));

        fakes.GitHub.Requests.Clear();
        fakes.GitHub.TouchIssue(7);
        fakes.GitHub.AddComment(3, "A new comment.");
        var incremental = await RunAsync(server);
        Assert.Equal("succeeded", (string?)incremental["state"]);
        var requests = fakes.GitHub.Requests.Entries;
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.NotNull(r.Query("since")));
        Assert.Equal(Issues(fakes), await LiveAsync(server, GitHubIssuesSync.IssueModel, r => $"{r["id"]}:{r["title"]}:{r["state"]}:{r["updated_at"]}"));
        Assert.Equal(Comments(fakes), await LiveAsync(server, GitHubIssuesSync.CommentModel, r => $"{r["id"]}:{r["issue_number"]}:{r["body"]}"));

        fakes.GitHub.DeleteIssue(10);
        var reset = await RunAsync(server, reset: true);
        Assert.Equal("succeeded", (string?)reset["state"]);
        Assert.Equal(Issues(fakes), await LiveAsync(server, GitHubIssuesSync.IssueModel, r => $"{r["id"]}:{r["title"]}:{r["state"]}:{r["updated_at"]}"));
        Assert.Equal(Comments(fakes), await LiveAsync(server, GitHubIssuesSync.CommentModel, r => $"{r["id"]}:{r["issue_number"]}:{r["body"]}"));
        Assert.DoesNotContain(Issues(fakes), i => i.StartsWith("10:", StringComparison.Ordinal));
    }

    private static async Task<JsonNode> RunAsync(TestServer server, bool reset = false) =>
        await server.WaitForRunAsync(await server.TriggerAsync(ConnectionId, "issues", Token, reset: reset, integration: "github"), Token, TimeSpan.FromMinutes(2));

    private static List<string> Issues(FakeProviders.FakeProviders fakes) =>
        [.. fakes.GitHub.Issues.All.Select(i => $"{i.Number}:{i.Title}:{i.State}:{Time(i.UpdatedAt)}").Order(StringComparer.Ordinal)];

    private static List<string> Comments(FakeProviders.FakeProviders fakes) =>
        [.. fakes.GitHub.Comments.All.Select(c => $"{c.Id}:{c.IssueNumber}:{c.Body}").Order(StringComparer.Ordinal)];

    /// <summary>Every live record of <paramref name="model"/> through <c>GET /records</c>, as <paramref name="line"/> writes it, sorted.</summary>
    private static async Task<List<string>> LiveAsync(TestServer server, string model, Func<JsonNode, string> line)
    {
        var lines = new List<string>();
        string? cursor = null;
        for (var page = 0; page < 100; page++)
        {
            var answer = await server.Client.RecordsAsync("github", ConnectionId, model, cursor, 1000, Token);
            lines.AddRange(answer!["records"]!.AsArray()
                .Where(r => (string?)r!["_nango_metadata"]!["last_action"] != "DELETED")
                .Select(r => line(r!)));
            cursor = (string?)answer["next_cursor"];
            if (cursor is null)
            {
                break;
            }
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static Task<TestServer> StartAsync(TestDialect dialect, FakeProviders.FakeProviders fakes)
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
            integrations:
              github:
                provider: github
                base_url: {fakes.GitHub.BaseUrl}
                client_id: {FakeOAuthServer.DefaultClient.ClientId}
                client_secret_env: {FakeOAuthApp.SecretVariable}
                syncs:
                  issues:
                    function: {GitHubIssuesSync.Name}
                    models: [{GitHubIssuesSync.IssueModel}, {GitHubIssuesSync.CommentModel}]
                    frequency: every 1h
                    auto_start: false
            """;
        return TestServer.StartAsync(dialect, Token, config, services: s => s.AddSyncFunction<GitHubIssuesSync>(GitHubIssuesSync.Name));
    }
}
