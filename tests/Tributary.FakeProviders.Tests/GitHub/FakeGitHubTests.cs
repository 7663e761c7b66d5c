using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Tributary.FakeProviders.Tests.GitHub;

public sealed class FakeGitHubTests
{
    [Fact]
    public async Task Issues_FollowingLinkNext_Returns10000IssuesEachExactlyOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 10_000, GitHubCommentsPerIssue = 0 }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);

        var seen = new HashSet<long>();
        var url = fakes.GitHub.Url(fakes.GitHub.IssuesPath + "?state=all&per_page=100").ToString();
        var pages = 0;
        string? last = null;
        while (url is not null && pages < 200)
        {
            using var response = await http.GetAsync(url, ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (var issue in JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsArray())
            {
                Assert.True(seen.Add((long)issue!["number"]!), $"issue {issue["number"]} came twice");
            }

            var links = Http.Links(response);
            last ??= links.GetValueOrDefault("last");
            url = links.GetValueOrDefault("next");
            pages++;
        }

        Assert.Equal(100, pages);
        Assert.Equal(10_000, seen.Count);
        Assert.EndsWith("page=100", last, StringComparison.Ordinal);
        Assert.Contains("state=all", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issues_DefaultsToOpenNewestFirst_AndShowsGitHubFields()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 8 }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);

        using var response = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath), ct);
        var issues = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsArray();

        Assert.Equal([7L, 6, 5, 3, 2, 1], issues.Select(i => (long)i!["number"]!));
        var first = issues[0]!;
        Assert.Equal("open", (string?)first["state"]);
        Assert.Equal(2, (int)first["comments"]!);
        Assert.Equal("2024-01-01T00:07:00Z", (string?)first["created_at"]);
        Assert.False(response.Headers.Contains("Link"));
    }

    [Fact]
    public async Task Issues_Since_ReturnsOnlyIssuesUpdatedAtOrAfterIt_IncludingTouchedOnes()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { TimeProvider = time, GitHubIssues = 50 }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        fakes.GitHub.TouchIssue(10);
        var added = fakes.GitHub.AddIssue("New one");

        using var response = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "?state=all&sort=updated&direction=asc&since=2025-06-01T12:00:00Z"), ct);
        var issues = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsArray();

        Assert.Equal([10L, added.Number], issues.Select(i => (long)i!["number"]!));
        Assert.Equal("2025-06-01T12:00:00Z", (string?)issues[0]!["updated_at"]);
    }

    [Fact]
    public async Task Issues_BadSinceOrOtherRepository_IsRefusedLikeGitHub()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);

        using var since = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "?since=yesterday"), ct);
        using var other = await http.GetAsync(fakes.GitHub.Url("/repos/someone/else/issues"), ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, since.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task Issues_WithoutOrWithExpiredToken_Answer401BadCredentials()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { TimeProvider = time }, ct);
        var tokens = fakes.OAuth.IssueTokens(lifetime: TimeSpan.FromSeconds(5));
        using var anonymous = new HttpClient();
        using var http = Http.WithToken(tokens.AccessToken);
        var url = fakes.GitHub.Url(fakes.GitHub.IssuesPath);

        using var none = await anonymous.GetAsync(url, ct);
        using var fresh = await http.GetAsync(url, ct);
        time.Advance(TimeSpan.FromSeconds(5));
        using var expired = await http.GetAsync(url, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("Bad credentials", (string?)JsonNode.Parse(await expired.Content.ReadAsStringAsync(ct))!["message"]);
    }

    [Fact]
    public async Task Issues_AfterExpireOrRevoke_Answer401_AndARefreshedTokenWorks()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        var tokens = fakes.OAuth.IssueTokens();
        var other = fakes.OAuth.IssueTokens();
        using var client = new HttpClient();
        var url = fakes.GitHub.Url(fakes.GitHub.IssuesPath);

        Assert.True(fakes.OAuth.ExpireAccessToken(tokens.AccessToken));
        Assert.True(fakes.OAuth.Revoke(other.AccessToken));
        using var expired = await Send(client, url, tokens.AccessToken, ct);
        using var revoked = await Send(client, url, other.AccessToken, ct);
        var (_, refreshed) = await Http.PostTokenAsync(client, fakes, Http.WithBodyClient(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.RefreshToken! }), ct);
        using var again = await Send(client, url, (string)refreshed["access_token"]!, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task Issues_SendRateLimitHeaders_AndAnswerTheExhaustedPrimaryLimitWith403()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { TimeProvider = time, GitHubRateLimit = 2 }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens(lifetime: TimeSpan.FromDays(1)).AccessToken);
        var url = fakes.GitHub.Url(fakes.GitHub.IssuesPath);

        using var first = await http.GetAsync(url, ct);
        using var second = await http.GetAsync(url, ct);
        using var third = await http.GetAsync(url, ct);
        time.Advance(TimeSpan.FromHours(1));
        using var nextWindow = await http.GetAsync(url, ct);

        Assert.Equal("2", Header(first, "X-RateLimit-Limit"));
        Assert.Equal("1", Header(first, "X-RateLimit-Remaining"));
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 13, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), Header(first, "X-RateLimit-Reset"));
        Assert.Equal("0", Header(second, "X-RateLimit-Remaining"));
        Assert.Equal(HttpStatusCode.Forbidden, third.StatusCode);
        Assert.Contains("API rate limit exceeded", await third.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, nextWindow.StatusCode);
    }

    [Fact]
    public async Task Issues_InjectedSecondaryLimitAnd429_FailThenSucceed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        var secondary = fakes.GitHub.Faults.Inject(Fault.SecondaryRateLimit(TimeSpan.FromSeconds(60)), times: 1, endpoint: FakeEndpoints.GitHubIssues);
        var tooMany = fakes.GitHub.Faults.Inject(Fault.TooManyRequests(TimeSpan.FromSeconds(1.2)), times: 2);
        var url = fakes.GitHub.Url(fakes.GitHub.IssuesPath);

        using var r1 = await http.GetAsync(url, ct);
        using var r2 = await http.GetAsync(url, ct);
        using var r3 = await http.GetAsync(url, ct);
        using var r4 = await http.GetAsync(url, ct);

        Assert.Equal(HttpStatusCode.Forbidden, r1.StatusCode);
        Assert.Equal("60", Header(r1, "Retry-After"));
        Assert.Contains("secondary rate limit", await r1.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, r2.StatusCode);
        Assert.Equal("2", Header(r2, "Retry-After"));
        Assert.Equal(HttpStatusCode.TooManyRequests, r3.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r4.StatusCode);
        Assert.Equal((1, 2), (secondary.Fired, tooMany.Fired));
        Assert.True(secondary.IsExhausted && tooMany.IsExhausted);
    }

    [Fact]
    public async Task Issues_InjectedPrimaryLimit_Answers403WithRemainingZeroAndReset()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { TimeProvider = time }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        fakes.GitHub.Faults.Inject(Fault.PrimaryRateLimit(TimeSpan.FromSeconds(30)));

        using var response = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath), ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("0", Header(response, "X-RateLimit-Remaining"));
        Assert.Equal(time.GetUtcNow().AddSeconds(31).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "X-RateLimit-Reset"));
        Assert.False(response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Comments_PerIssueAndRepositoryWide_ArePagedAndFilteredBySince()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { TimeProvider = time, GitHubIssues = 30, GitHubCommentsPerIssue = 3 }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        var comment = fakes.GitHub.AddComment(5, "Late comment");

        using var perIssue = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "/5/comments?per_page=2"), ct);
        using var repository = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "/comments?since=2025-06-01T00:00:00Z"), ct);
        using var issue = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "/5"), ct);
        using var missing = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "/999/comments"), ct);

        Assert.Equal(2, JsonNode.Parse(await perIssue.Content.ReadAsStringAsync(ct))!.AsArray().Count);
        Assert.EndsWith("page=2", Http.Links(perIssue)["last"], StringComparison.Ordinal);
        var recent = JsonNode.Parse(await repository.Content.ReadAsStringAsync(ct))!.AsArray();
        Assert.Equal([comment.Id], recent.Select(c => (long)c!["id"]!));
        var issueBody = JsonNode.Parse(await issue.Content.ReadAsStringAsync(ct))!;
        Assert.Equal(4, (int)issueBody["comments"]!);
        Assert.Equal("2025-06-01T12:00:00Z", (string?)issueBody["updated_at"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Issues_UpdatesAndDeletes_AreServedAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 5 }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        fakes.GitHub.Issues.Update(2, i => i with { Title = "Renamed" });
        fakes.GitHub.DeleteIssue(3);
        fakes.GitHub.CloseIssue(1);

        using var response = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "?state=all&direction=asc"), ct);
        var issues = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!.AsArray();

        Assert.Equal([1L, 2, 4, 5], issues.Select(i => (long)i!["number"]!));
        Assert.Equal("Renamed", (string?)issues[1]!["title"]);
        Assert.Equal("closed", (string?)issues[0]!["state"]);
        Assert.Equal(4, fakes.GitHub.Issues.Count);
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, Uri url, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new("Bearer", token);
        return await client.SendAsync(request, ct);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
