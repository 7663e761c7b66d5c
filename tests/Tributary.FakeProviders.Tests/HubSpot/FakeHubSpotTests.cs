using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Tributary.FakeProviders.Tests.HubSpot;

public sealed class FakeHubSpotTests
{
    [Fact]
    public async Task Contacts_FollowingPagingNextAfter_ReturnsEveryContactOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { HubSpotContacts = 1_050 }, ct);
        fakes.HubSpot.ArchiveContact(7);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);

        var ids = new List<long>();
        string? after = null;
        var pages = 0;
        do
        {
            var query = after is null ? "?limit=100" : $"?limit=100&after={after}";
            using var response = await http.GetAsync(fakes.HubSpot.Url("/crm/v3/objects/contacts" + query), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
            ids.AddRange(body["results"]!.AsArray().Select(c => long.Parse((string)c!["id"]!, System.Globalization.CultureInfo.InvariantCulture)));
            after = (string?)body["paging"]?["next"]?["after"];
            pages++;
        }
        while (after is not null && pages < 50);

        Assert.Equal(11, pages);
        Assert.Equal(1_049, ids.Count);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.DoesNotContain(7L, ids);
    }

    [Fact]
    public async Task Contacts_HaveHubSpotsShape()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { HubSpotContacts = 3 }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);

        using var response = await http.GetAsync(fakes.HubSpot.Url("/crm/v3/objects/contacts?limit=2"), ct);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        var first = body["results"]![0]!;

        Assert.Equal("1", (string?)first["id"]);
        Assert.Equal("contact1@example.com", (string?)first["properties"]!["email"]);
        Assert.Equal("2024-01-01T00:01:00.000Z", (string?)first["createdAt"]);
        Assert.False((bool)first["archived"]!);
        Assert.Equal("3", (string?)body["paging"]!["next"]!["after"]);
        Assert.EndsWith("/hubspot/crm/v3/objects/contacts?limit=2&after=3", (string?)body["paging"]!["next"]!["link"], StringComparison.Ordinal);
        Assert.True(response.Headers.Contains("X-HubSpot-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Contacts_Injected429_CarriesRetryAfter_ThenSucceeds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(null, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        var rule = fakes.HubSpot.Faults.Inject(Fault.TooManyRequests(TimeSpan.FromSeconds(1)), times: 2, endpoint: FakeEndpoints.HubSpotContacts);
        var url = fakes.HubSpot.Url("/crm/v3/objects/contacts");

        using var r1 = await http.GetAsync(url, ct);
        using var r2 = await http.GetAsync(url, ct);
        using var r3 = await http.GetAsync(url, ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, r1.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), r1.Headers.RetryAfter!.Delta);
        Assert.Equal("RATE_LIMIT", (string?)JsonNode.Parse(await r1.Content.ReadAsStringAsync(ct))!["errorType"]);
        Assert.Equal(HttpStatusCode.TooManyRequests, r2.StatusCode);
        Assert.Equal(HttpStatusCode.OK, r3.StatusCode);
        Assert.Equal(2, rule.Fired);
    }

    [Fact]
    public async Task Contacts_ExpiredToken_Answers401ExpiredAuthentication()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { TimeProvider = time }, ct);
        fakes.OAuth.AccessTokenLifetime = TimeSpan.FromSeconds(2);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        using var anonymous = new HttpClient();

        time.Advance(TimeSpan.FromSeconds(7));
        using var expired = await http.GetAsync(fakes.HubSpot.Url("/crm/v3/objects/contacts"), ct);
        using var missing = await anonymous.GetAsync(fakes.HubSpot.Url("/crm/v3/objects/contacts"), ct);

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        var body = JsonNode.Parse(await expired.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("EXPIRED_AUTHENTICATION", (string?)body["category"]);
        Assert.Contains("expired 5 second(s) ago", (string?)body["message"], StringComparison.Ordinal);
        Assert.Equal("INVALID_AUTHENTICATION", (string?)JsonNode.Parse(await missing.Content.ReadAsStringAsync(ct))!["category"]);
    }

    [Fact]
    public async Task OffsetItems_PageByOffset_WithTotal()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { HubSpotContacts = 250 }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);

        var ids = new List<string>();
        for (var offset = 0; offset < 1000; offset += 100)
        {
            using var response = await http.GetAsync(fakes.HubSpot.Url($"/offset/items?offset={offset}&limit=100"), ct);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
            Assert.Equal(250, (int)body["total"]!);
            var items = body["items"]!.AsArray();
            if (items.Count == 0)
            {
                break;
            }

            ids.AddRange(items.Select(i => (string)i!["id"]!));
        }

        Assert.Equal(250, ids.Count);
        Assert.Equal(250, ids.Distinct().Count());
    }

    [Fact]
    public async Task Search_FiltersOnLastModifiedDate_SortsAndPagesByOffsetCursor()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        await using var fakes = await FakeProviders.StartAsync(new FakeProvidersOptions { TimeProvider = time, HubSpotContacts = 40 }, ct);
        using var http = Http.WithToken(fakes.OAuth.IssueTokens().AccessToken);
        fakes.HubSpot.TouchContact(30);
        time.Advance(TimeSpan.FromMinutes(1));
        fakes.HubSpot.TouchContact(4);
        fakes.HubSpot.AddContact("new@example.com");
        var since = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

        var first = await SearchAsync(http, fakes, $$"""{"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GTE","value":"{{since}}"}]}],"sorts":[{"propertyName":"lastmodifieddate","direction":"ASCENDING"}],"limit":2}""", ct);
        var second = await SearchAsync(http, fakes, $$"""{"filterGroups":[{"filters":[{"propertyName":"lastmodifieddate","operator":"GTE","value":"{{since}}"}]}],"sorts":[{"propertyName":"lastmodifieddate","direction":"ASCENDING"}],"limit":2,"after":"2"}""", ct);
        using var bad = await http.PostAsync(fakes.HubSpot.Url("/crm/v3/objects/contacts/search"), new StringContent("""{"filterGroups":[{"filters":[{"propertyName":"color","operator":"EQ","value":"x"}]}]}""", Encoding.UTF8, "application/json"), ct);

        Assert.Equal(3, (int)first["total"]!);
        Assert.Equal(["30", "4"], first["results"]!.AsArray().Select(c => (string)c!["id"]!));
        Assert.Equal("2", (string?)first["paging"]!["next"]!["after"]);
        Assert.Equal(["41"], second["results"]!.AsArray().Select(c => (string)c!["id"]!));
        Assert.Null(second["paging"]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private static async Task<JsonNode> SearchAsync(HttpClient http, FakeProviders fakes, string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(fakes.HubSpot.Url("/crm/v3/objects/contacts/search"), content, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
    }
}
