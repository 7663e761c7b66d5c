using System.Net;
using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>
/// <c>GET /providers</c> and <c>GET /providers/{provider}</c> as Nango's controllers answer them (its integration tests'
/// cases), and the routes Nango opens to a connect session's token.
/// </summary>
public sealed class ProviderEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Providers_ListSearchAndGet_AnswerTheTemplatesAsWritten_AndBadInputIsRefused()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);

        var all = (await server.Client.SendAsync(HttpMethod.Get, "providers", null, null, Token))!["data"]!.AsArray();
        var search = await server.Client.SendAsync(HttpMethod.Get, "providers?search=HUBS", null, null, Token);
        var dot = (await server.Client.SendAsync(HttpMethod.Get, "providers?search=h.bs", null, null, Token))!["data"]!.AsArray();
        var none = await server.Client.SendAsync(HttpMethod.Get, "providers?search=foobar", null, null, Token);
        var hubspot = (await server.Client.SendAsync(HttpMethod.Get, "providers/hubspot", null, null, Token))!["data"]!;
        var unknown = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "providers/foobar", null, null, Token));
        var badName = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "providers/a.b", null, null, Token));
        var badSearch = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "providers?search=a$b", null, null, Token));
        var extraQuery = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "providers?limit=1", null, null, Token));
        var queryOnOne = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "providers/hubspot?x=1", null, null, Token));

        Assert.Contains(all, p => (string?)p!["name"] == "github" && (string?)p["auth_mode"] == "OAUTH2");
        Assert.Equal(["hubspot"], search!["data"]!.AsArray().Select(p => (string?)p!["name"]));
        Assert.Equal(["hubspot"], dot.Select(p => (string?)p!["name"]));
        Assert.Equal("""{"data":[]}""", none!.ToJsonString());

        // Nango's getProvider test: the template's own fields, as written, with its name last.
        Assert.Equal(
            ("hubspot", "OAUTH2", "HubSpot", "https://docs.nango.dev/integrations/all/hubspot"),
            ((string?)hubspot["name"], (string?)hubspot["auth_mode"], (string?)hubspot["display_name"], (string?)hubspot["docs"]));
        Assert.Equal("name", hubspot.AsObject().Last().Key);
        Assert.Equal("https://api.hubapi.com", (string?)hubspot["proxy"]!["base_url"]);

        // YAML's plain booleans are JSON booleans, as js-yaml reads Nango's file.
        var pkce = all.First(p => p!["disable_pkce"] is not null)!;
        Assert.Equal(System.Text.Json.JsonValueKind.True, pkce["disable_pkce"]!.GetValueKind());

        Assert.Equal((404, "not_found", "Unknown provider foobar"), (unknown.Status, unknown.Code, unknown.ErrorMessage()));
        Assert.Equal((400, "invalid_uri_params"), (badName.Status, badName.Code));
        Assert.Equal((400, "invalid_query_params"), (badSearch.Status, badSearch.Code));
        Assert.Equal((400, "invalid_query_params"), (extraQuery.Status, extraQuery.Code));
        Assert.Equal((400, "invalid_query_params"), (queryOnOne.Status, queryOnOne.Code));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Providers_AnyKeyReadsThem_AConnectSessionToo_AndItListsOnlyItsAllowedIntegrations(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        using var nothing = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:nothing");
        var app = new JsonObject { ["type"] = "OAUTH2", ["client_id"] = "client-id", ["client_secret"] = "client-secret" };
        await server.Client.SendAsync(HttpMethod.Post, "integrations", new JsonObject { ["provider"] = "github", ["unique_key"] = "gh", ["credentials"] = app }, null, Token);
        var session = await server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions",
            new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["allowed_integrations"] = new JsonArray("gh") },
            null,
            Token);
        var open = await server.Client.SendAsync(HttpMethod.Post, "connect/sessions", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u2" } }, null, Token);

        var byNothing = await nothing.SendAsync(HttpMethod.Get, "providers/github", null, null, Token);
        var listByNothing = await FailsAsync(() => nothing.SendAsync(HttpMethod.Get, "integrations", null, null, Token));
        var (providersStatus, providers) = await GetAsync(server, "providers?search=github", $"Bearer {(string)session!["data"]!["token"]!}");
        var (allowedStatus, allowed) = await GetAsync(server, "integrations", $"Bearer {(string)session["data"]!["token"]!}");
        var (openStatus, everything) = await GetAsync(server, "integrations", $"Bearer {(string)open!["data"]!["token"]!}");
        var (unknownStatus, unknown) = await GetAsync(server, "providers", "Bearer nango_connect_session_" + new string('0', 64));
        var (anonymousStatus, _) = await GetAsync(server, "providers", null);

        Assert.Equal("github", (string?)byNothing!["data"]!["name"]);
        Assert.Equal(403, listByNothing.Status);
        Assert.Equal((HttpStatusCode.OK, "github"), (providersStatus, (string?)providers!["data"]![0]!["name"]));
        Assert.Equal(HttpStatusCode.OK, allowedStatus);
        Assert.Equal(["gh"], allowed!["data"]!.AsArray().Select(i => (string?)i!["unique_key"]));
        Assert.Equal(HttpStatusCode.OK, openStatus);
        Assert.Equal(["demo", "gh"], everything!["data"]!.AsArray().Select(i => (string)i!["unique_key"]!).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, unknownStatus);
        Assert.Equal("unknown_connect_session_token", (string?)unknown!["error"]!["code"]);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousStatus);
    }

    [Theory]
    [InlineData("environment:variables:read")]
    [InlineData("environment:config:read")]
    [InlineData("environment:config:*")]
    public async Task EnvironmentVariables_AreReadWithNangosScopeNames(string scope)
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var client = await ApiTestServer.ClientWithScopesAsync(server, Token, scope);
        using var other = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:records:read");

        var variables = await client.SendAsync(HttpMethod.Get, "environment-variables", null, null, Token);
        var refused = await FailsAsync(() => other.SendAsync(HttpMethod.Get, "environment-variables", null, null, Token));

        Assert.Equal("[]", variables!.ToJsonString());
        Assert.Equal(403, refused.Status);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(TestServer server, string path, string? authorization)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await http.SendAsync(request, Token);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Token)));
    }

    private static Task<TributaryApiException> FailsAsync(Func<Task> call) => Assert.ThrowsAsync<TributaryApiException>(call);
}
