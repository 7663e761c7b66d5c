using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.FakeProviders;
using Tributary.Testing;

namespace Tributary.Server.Tests.Declarative;

/// <summary>
/// The three <c>samples/declarative/</c> files run against the fake providers over HTTP, on both databases: a
/// GitHub-like Link sync through injected 429s, an incremental re-run, a HubSpot-style cursor sync with
/// <c>track_deletes</c>, and an offset API — each compared with the fake's own data.
/// </summary>
public sealed class DeclarativeSyncTests
{
    private const int ItemCount = 10_000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly JsonObject Repository = new() { ["owner"] = "octo-org", ["repo"] = "octo-repo" };

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GitHubSample_TenThousandIssuesAcrossLinkPages_SurvivesInjected429s_RecordsEqualTheFakesData(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = ItemCount }, Token);
        await using var server = await DeclarativeSamples.StartAsync(dialect, DeclarativeSamples.Read("github.tributary.yaml", "https://api.github.com", fakes.GitHub.BaseUrl), Token);
        await DeclarativeSamples.ImportOAuthAsync(server, "github", "gh", fakes.OAuth.IssueTokens(), Repository.DeepClone().AsObject(), Token);
        var tooMany = fakes.GitHub.Faults.Inject(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), endpoint: FakeEndpoints.GitHubIssues, after: 10, times: 2);

        var run = await server.WaitForRunAsync(await server.TriggerAsync("gh", "issues", Token, integration: "github"), Token, TimeSpan.FromMinutes(3));

        Assert.Equal("succeeded", (string?)run["state"]);
        Assert.Equal(2, tooMany.Fired);
        var pages = fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues);
        if ((int)run["attempts"]! == 1)
        {
            Assert.Equal(ItemCount / 100 + 2, pages.Count); // 100 pages, and the 429s' pages sent again
        }
        else
        {
            // A starved machine can cost the run its lease: the next attempt resumes from the last checkpoint and reads
            // the pages after it again (nothing is lost; the records below are still exactly the fake's).
            Assert.True(pages.Count > ItemCount / 100 + 2, $"{pages.Count} page requests over {(int)run["attempts"]!} attempts");
        }
        Assert.All(pages, p => Assert.Equal("100", p.Query("per_page")));
        Assert.All(pages, p => Assert.Null(p.Query("since"))); // a first run reads everything
        Assert.Equal(ExpectedIssues(fakes), await DeclarativeSamples.StoredAsync(server, "github", "gh", "Issue", Token));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GitHubSample_IncrementalRerun_AsksSinceTheHighestUpdatedAtLessTheLookback_AndGetsOnlyChangedIssues(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubIssues = 500 }, Token);
        await using var server = await DeclarativeSamples.StartAsync(dialect, DeclarativeSamples.Read("github.tributary.yaml", "https://api.github.com", fakes.GitHub.BaseUrl), Token);
        await DeclarativeSamples.ImportOAuthAsync(server, "github", "gh-inc", fakes.OAuth.IssueTokens(), Repository.DeepClone().AsObject(), Token);
        var first = await server.WaitForRunAsync(await server.TriggerAsync("gh-inc", "issues", Token, integration: "github"), Token, TimeSpan.FromMinutes(2));
        Assert.Equal("succeeded", (string?)first["state"]);
        var highest = fakes.GitHub.Issues.All.Max(i => i.UpdatedAt);
        var touchedAt = highest.AddHours(2);
        long[] touched = [7, 123, 499];
        foreach (var number in touched)
        {
            fakes.GitHub.TouchIssue(number, touchedAt);
        }

        fakes.GitHub.Requests.Clear();
        var second = await server.WaitForRunAsync(await server.TriggerAsync("gh-inc", "issues", Token, integration: "github"), Token, TimeSpan.FromMinutes(2));

        Assert.Equal("succeeded", (string?)second["state"]);
        var request = Assert.Single(fakes.GitHub.Requests.For(FakeEndpoints.GitHubIssues));
        Assert.Equal(highest.AddMinutes(-10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), request.Query("since"));
        var stored = await DeclarativeSamples.StoredAsync(server, "github", "gh-inc", "Issue", Token);
        Assert.Equal(ExpectedIssues(fakes), stored);
        Assert.All(touched, n => Assert.Contains(Time(touchedAt), stored[n.ToString(CultureInfo.InvariantCulture)], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task HubSpotSample_TenThousandContactsByCursor_EqualTheFakesData_AndAFullRerunDeletesArchivedOnes(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { HubSpotContacts = ItemCount }, Token);
        await using var server = await DeclarativeSamples.StartAsync(dialect, DeclarativeSamples.Read("hubspot.tributary.yaml", "https://api.hubapi.com", fakes.HubSpot.BaseUrl), Token);
        await DeclarativeSamples.ImportOAuthAsync(server, "hubspot", "hs", fakes.OAuth.IssueTokens(), null, Token);
        fakes.HubSpot.Faults.Inject(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), endpoint: FakeEndpoints.HubSpotContacts, after: 20, times: 1);

        var first = await server.WaitForRunAsync(await server.TriggerAsync("hs", "contacts", Token, integration: "hubspot"), Token, TimeSpan.FromMinutes(3));

        Assert.Equal("succeeded", (string?)first["state"]);
        var pages = fakes.HubSpot.Requests.For(FakeEndpoints.HubSpotContacts);
        Assert.Equal(ItemCount / 100 + 1, pages.Count);
        Assert.Null(pages[0].Query("after"));
        Assert.All(pages.Skip(1), p => Assert.NotNull(p.Query("after")));
        Assert.Equal(ExpectedContacts(fakes), await DeclarativeSamples.StoredAsync(server, "hubspot", "hs", "Contact", Token));

        var before = ExpectedContacts(fakes);
        long[] archived = [fakes.HubSpot.Contacts.All[0].Id, fakes.HubSpot.Contacts.All[^1].Id];
        foreach (var id in archived)
        {
            fakes.HubSpot.ArchiveContact(id);
            var key = id.ToString(CultureInfo.InvariantCulture);
            before[key] = "DELETED " + before[key]; // a deleted record keeps the payload last seen
        }

        var second = await server.WaitForRunAsync(await server.TriggerAsync("hs", "contacts", Token, integration: "hubspot"), Token, TimeSpan.FromMinutes(3));

        Assert.Equal("succeeded", (string?)second["state"]);
        var stored = await DeclarativeSamples.StoredAsync(server, "hubspot", "hs", "Contact", Token);
        Assert.Equal(before, stored);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task OffsetSample_TenThousandItemsByOffset_EqualTheFakesData(TestDialect dialect)
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { HubSpotContacts = ItemCount + 7 }, Token);
        await using var server = await DeclarativeSamples.StartAsync(dialect, DeclarativeSamples.Read("offset.tributary.yaml", "https://api.acme.example", fakes.HubSpot.BaseUrl), Token);
        await server.Client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "acme",
                ["connection_id"] = "acme-1",
                ["credentials"] = new JsonObject { ["type"] = "API_KEY", ["apiKey"] = fakes.OAuth.IssueTokens().AccessToken },
            },
            Token);
        fakes.HubSpot.Faults.Inject(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), endpoint: FakeEndpoints.HubSpotOffsetItems, after: 5, times: 1);

        var run = await server.WaitForRunAsync(await server.TriggerAsync("acme-1", "items", Token, integration: "acme"), Token, TimeSpan.FromMinutes(3));

        Assert.Equal("succeeded", (string?)run["state"]);
        var offsets = fakes.HubSpot.Requests.For(FakeEndpoints.HubSpotOffsetItems).Where(r => r.StatusCode == 200).Select(r => r.Query("offset")).ToList();
        Assert.Equal(Enumerable.Range(0, ItemCount / 500 + 1).Select(p => (p * 500).ToString(CultureInfo.InvariantCulture)), offsets);
        var expected = fakes.HubSpot.Contacts.All.ToDictionary(
            c => c.Id.ToString(CultureInfo.InvariantCulture),
            c => DeclarativeSamples.Canonical(new JsonObject
            {
                ["id"] = c.Id.ToString(CultureInfo.InvariantCulture),
                ["email"] = c.Email,
                ["name"] = $"{c.FirstName} {c.LastName}",
                ["updated_at"] = HubSpotTime(c.UpdatedAt),
            }));
        Assert.Equal(expected, await DeclarativeSamples.StoredAsync(server, "acme", "acme-1", "Item", Token));
    }

    private static Dictionary<string, string> ExpectedIssues(FakeProviders.FakeProviders fakes) =>
        fakes.GitHub.Issues.All.ToDictionary(
            i => i.Number.ToString(CultureInfo.InvariantCulture),
            i => DeclarativeSamples.Canonical(new JsonObject
            {
                ["id"] = i.Number,
                ["github_id"] = i.Id,
                ["title"] = i.Title,
                ["state"] = i.State,
                ["user"] = i.UserLogin,
                ["updated_at"] = Time(i.UpdatedAt),
            }));

    /// <summary>The contacts as the sample's fields select them.</summary>
    private static Dictionary<string, string> ExpectedContacts(FakeProviders.FakeProviders fakes) =>
        fakes.HubSpot.Contacts.All.ToDictionary(
            c => c.Id.ToString(CultureInfo.InvariantCulture),
            c => DeclarativeSamples.Canonical(new JsonObject
            {
                ["id"] = c.Id.ToString(CultureInfo.InvariantCulture),
                ["email"] = c.Email,
                ["first_name"] = c.FirstName,
                ["last_name"] = c.LastName,
                ["updated_at"] = HubSpotTime(c.UpdatedAt),
            }));

    private static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string HubSpotTime(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
