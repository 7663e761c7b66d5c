using System.Net;

namespace Tributary.FakeProviders.Tests.Faults;

public sealed class RequestLogAndFaultTests
{
    [Fact]
    public async Task RequestLog_RecordsMethodPathQueryHeadersBodyAndStatus_PerFake()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        var tokens = fakes.OAuth.IssueTokens();
        using var http = Http.WithToken(tokens.AccessToken);
        http.DefaultRequestHeaders.Add("X-Test", "yes");

        using var ok = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "?since=2024-01-01T00:00:00Z&per_page=5"), ct);
        using var missing = await http.GetAsync(fakes.GitHub.Url("/nowhere"), ct);
        await Http.PostTokenAsync(http, fakes, Http.WithBodyClient(new() { ["grant_type"] = "client_credentials" }), ct);

        var entries = fakes.GitHub.Requests.Entries;
        Assert.Equal(2, entries.Count);
        var first = entries[0];
        Assert.Equal("GET", first.Method);
        Assert.Equal("/repos/octo-org/octo-repo/issues", first.Path);
        Assert.Equal("2024-01-01T00:00:00Z", first.Query("since"));
        Assert.Equal(FakeEndpoints.GitHubIssues, first.Endpoint);
        Assert.Equal("Bearer " + tokens.AccessToken, first.Header("authorization"));
        Assert.Equal("yes", first.Header("X-Test"));
        Assert.Equal(200, first.StatusCode);
        Assert.DoesNotContain(tokens.AccessToken, first.ToString(), StringComparison.Ordinal);
        Assert.Equal((null, 404), (entries[1].Endpoint, entries[1].StatusCode));
        Assert.Single(fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues));

        var token = Assert.Single(fakes.OAuth.Requests.Entries);
        Assert.Contains("grant_type=client_credentials", token.Body, StringComparison.Ordinal);
        Assert.Empty(fakes.HubSpot.Requests.Entries);

        fakes.GitHub.Requests.Clear();
        Assert.Equal(0, fakes.GitHub.Requests.Count);
    }

    [Fact]
    public async Task Faults_EveryNth_After_AndPerEndpoint_FireDeterministically()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        fakes.GitHub.Faults.InjectEvery(3, Fault.ServerError(502), FakeEndpoints.GitHubIssues);
        fakes.GitHub.Faults.Inject(Fault.Status(418, """{"message":"teapot"}"""), times: 1, endpoint: FakeEndpoints.GitHubIssue, after: 1);

        var statuses = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            using var response = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath), ct);
            statuses.Add((int)response.StatusCode);
        }

        using var issue1 = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "/1"), ct);
        using var issue2 = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "/1"), ct);
        using var issue3 = await http.GetAsync(fakes.GitHub.Url(fakes.GitHub.IssuesPath + "/1"), ct);

        Assert.Equal([200, 200, 502, 200, 200, 502, 200], statuses);
        Assert.Equal([HttpStatusCode.OK, (HttpStatusCode)418, HttpStatusCode.OK], [issue1.StatusCode, issue2.StatusCode, issue3.StatusCode]);
        Assert.Equal("""{"message":"teapot"}""", await issue2.Content.ReadAsStringAsync(ct));
        Assert.Equal([200, 200, 502, 200, 200, 502, 200, 200, 418, 200], fakes.GitHub.Requests.Entries.Select(e => e.StatusCode));
    }

    [Fact]
    public async Task Faults_Disconnect_AbortsTheConnection_AndClearStopsInjecting()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        fakes.HubSpot.Faults.Inject(Fault.Disconnect(), times: null);

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(fakes.HubSpot.Url("/crm/v3/objects/contacts"), ct));
        fakes.HubSpot.Faults.Clear();
        using var after = await http.GetAsync(fakes.HubSpot.Url("/crm/v3/objects/contacts"), ct);

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal([0, 200], fakes.HubSpot.Requests.Entries.Select(e => e.StatusCode));
    }

    [Fact]
    public async Task Faults_OnTheTokenEndpoint_AreNotCountedAsTokenRequests()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var http = new HttpClient();
        fakes.OAuth.Faults.Inject(Fault.ServerError(503), endpoint: FakeEndpoints.OAuthToken);

        var (failed, _) = await Http.PostTokenAsync(http, fakes, Http.WithBodyClient(new() { ["grant_type"] = "client_credentials" }), ct);
        var (ok, _) = await Http.PostTokenAsync(http, fakes, Http.WithBodyClient(new() { ["grant_type"] = "client_credentials" }), ct);

        Assert.Equal((503, 200), (failed, ok));
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("client_credentials"));
        Assert.Equal(2, fakes.OAuth.Requests.Count);
    }

    [Fact]
    public void Inject_RejectsNonsense()
    {
        var faults = new FaultInjector();

        Assert.Throws<ArgumentOutOfRangeException>(() => faults.Inject(Fault.TooManyRequests(), times: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => faults.InjectEvery(0, Fault.TooManyRequests()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Fault.Status(99));
    }
}
