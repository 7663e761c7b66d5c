using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>The connections endpoints against Nango's schemas and status codes (issue 9, items 13 and 19).</summary>
public sealed class ConnectionConformanceTests
{
    private const string TwoIntegrations = """
        integrations:
          demo:
            provider: sample-data
            syncs:
              contacts:
                function: sample-data
                models: [Contact]
                frequency: every 1h
                auto_start: false
          other:
            provider: sample-data
            syncs:
              contacts:
                function: sample-data
                models: [Contact]
                frequency: every 1h
                auto_start: false
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task DeleteAndGet_WithoutProviderConfigKey_AreRefusedAndTouchNeitherConnection(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, config: TwoIntegrations);
        await server.CreateConnectionAsync("shared", null, Token, integration: "demo");
        await server.CreateConnectionAsync("shared", null, Token, integration: "other");

        var delete = await ApiTestServer.SendRawAsync(server, HttpMethod.Delete, "connections/shared", null, Token);
        var get = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections/shared", null, Token);
        var list = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections", null, Token);
        var deleteOther = await ApiTestServer.SendRawAsync(server, HttpMethod.Delete, "connections/shared?provider_config_key=other", null, Token);
        var after = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections", null, Token);

        Assert.Equal((400, "invalid_query_params"), (delete.Status, (string?)delete.Json["error"]!["code"]));
        Assert.Equal("provider_config_key", (string?)delete.Json["error"]!["errors"]![0]!["path"]![0]);
        Assert.Equal((400, "invalid_query_params"), (get.Status, (string?)get.Json["error"]!["code"]));
        Assert.Equal(new[] { "demo", "other" }, Integrations(list));
        Assert.Equal(200, deleteOther.Status);
        Assert.Equal(new[] { "demo" }, Integrations(after));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetPatchAndDelete_OfAnUnknownIntegrationOrConnection_AnswerAsNangosControllers(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        const string Patch = """{"tags":{"a":"b"}}""";

        var getIntegration = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections/acme?provider_config_key=nope", null, Token);
        var getConnection = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections/nobody?provider_config_key=demo", null, Token);
        var patchIntegration = await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connections/acme?provider_config_key=nope", Patch, Token);
        var patchConnection = await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connections/nobody?provider_config_key=demo", Patch, Token);
        var delete = await ApiTestServer.SendRawAsync(server, HttpMethod.Delete, "connections/nobody?provider_config_key=demo", null, Token);
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);

        Assert.Equal((400, """{"code":"unknown_provider_config","message":"Provider does not exists"}"""), (getIntegration.Status, getIntegration.Json["error"]!.ToJsonString()));
        Assert.Equal((404, """{"code":"not_found","message":"Failed to find connection"}"""), (getConnection.Status, getConnection.Json["error"]!.ToJsonString()));
        Assert.Equal((400, "unknown_provider_config"), (patchIntegration.Status, (string?)patchIntegration.Json["error"]!["code"]));
        Assert.Equal((404, "not_found"), (patchConnection.Status, (string?)patchConnection.Json["error"]!["code"]));
        Assert.Equal((400, """{"code":"unknown_connection"}"""), (delete.Status, delete.Json["error"]!.ToJsonString()));
        Assert.Equal("{}", list!["connections"]![0]!["tags"]!.ToJsonString());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Patch_SetsTheEndUserAndTags_TheListFiltersOnThem_AndBadBodiesChangeNothing(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        foreach (var id in new[] { "c-alpha", "c-beta", "c-gamma" })
        {
            await server.CreateConnectionAsync(id, null, Token);
        }

        var alpha = await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connections/c-alpha?provider_config_key=demo",
            """{"end_user":{"id":"u1","email":"Ann@Example.com","display_name":"Ann Lee","tags":{"team":"x"}},"tags":{"Tier":"gold","region":"eu"}}""", Token);
        await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connections/c-beta?provider_config_key=demo", """{"end_user":{"id":"u2","display_name":"Bob"}}""", Token);
        await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connections/c-beta?provider_config_key=demo", """{"tags":{"tier":"silver"}}""", Token);
        var badBodies = new[]
        {
            """{"end_user":{}}""",
            """{"end_user":{"id":"u9","email":"not-an-email"}}""",
            """{"tags":{"1bad":"x"}}""",
            """{"tags":{"a":""}}""",
            """{"tags":{"a":"x","A":"y"}}""",
            """{"other":1}""",
            """[]""",
            """{"end_user":null}""",
            """{"end_user":{"id":"u9","email":null}}""",
            """{"tags":{"plan\n":"x"}}""",
        };
        var refused = new List<RawResponse>();
        foreach (var body in badBodies)
        {
            refused.Add(await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connections/c-gamma?provider_config_key=demo", body, Token));
        }

        var noKey = await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connections/c-gamma", """{"tags":{"a":"b"}}""", Token);
        var got = await server.Client.SendAsync(HttpMethod.Get, "connections/c-alpha?provider_config_key=demo", null, null, Token);
        var gotBeta = await server.Client.SendAsync(HttpMethod.Get, "connections/c-beta?provider_config_key=demo", null, null, Token);
        var gamma = await server.Client.SendAsync(HttpMethod.Get, "connections/c-gamma?provider_config_key=demo", null, null, Token);

        Assert.Equal((200, """{"success":true}"""), (alpha.Status, alpha.Json.ToJsonString()));
        Assert.Equal("""{"id":"u1","display_name":"Ann Lee","email":"Ann@Example.com","tags":{"team":"x"},"organization":null}""", got!["end_user"]!.ToJsonString());
        Assert.Equal("""{"tier":"gold","region":"eu"}""", got["tags"]!.ToJsonString());
        Assert.Equal("u2", (string?)gotBeta!["end_user"]!["id"]); // a tags-only patch keeps the end user
        Assert.Equal("""{"tier":"silver"}""", gotBeta["tags"]!.ToJsonString());
        Assert.All(refused, r => Assert.Equal((400, "invalid_body"), (r.Status, (string?)r.Json["error"]!["code"])));
        Assert.Equal(["end_user", "id"], refused[0].Json["error"]!["errors"]![0]!["path"]!.AsArray().Select(p => (string?)p));
        Assert.Equal("Invalid email address", (string?)refused[1].Json["error"]!["errors"]![0]!["message"]);
        Assert.Equal(("invalid_key", "Invalid key in record"), ((string?)refused[2].Json["error"]!["errors"]![0]!["code"], (string?)refused[2].Json["error"]!["errors"]![0]!["message"]));
        Assert.Equal("too_small", (string?)refused[3].Json["error"]!["errors"]![0]!["code"]);
        Assert.Equal("Duplicate tag key after case normalization: \"a\"", (string?)refused[4].Json["error"]!["errors"]![0]!["message"]);
        Assert.Equal("unrecognized_keys", (string?)refused[5].Json["error"]!["errors"]![0]!["code"]);
        Assert.Equal(("invalid_type", "end_user"), ((string?)refused[7].Json["error"]!["errors"]![0]!["code"], (string?)refused[7].Json["error"]!["errors"]![0]!["path"]![0]));
        Assert.Equal(["end_user", "email"], refused[8].Json["error"]!["errors"]![0]!["path"]!.AsArray().Select(p => (string?)p));
        Assert.Equal("invalid_key", (string?)refused[9].Json["error"]!["errors"]![0]!["code"]);
        Assert.Equal((400, "invalid_query_params"), (noKey.Status, (string?)noKey.Json["error"]!["code"]));
        Assert.Null(gamma!["end_user"]);
        Assert.Equal("{}", gamma["tags"]!.ToJsonString());

        // Nango's filters: search (connection id, end user's display name or email, any case), end user id, tags (all must match).
        Assert.Equal(["c-alpha"], await ListAsync(server, "search=ann"));
        Assert.Equal(["c-alpha"], await ListAsync(server, "search=EXAMPLE.com"));
        Assert.Equal(["c-beta"], await ListAsync(server, "search=beta"));
        Assert.Equal(["c-gamma", "c-beta", "c-alpha"], await ListAsync(server, "search=c-"));
        Assert.Equal(["c-beta"], await ListAsync(server, "endUserId=u2"));
        Assert.Empty(await ListAsync(server, "endUserId=nobody"));
        Assert.Equal(["c-alpha"], await ListAsync(server, "tags%5Btier%5D=gold"));
        Assert.Equal(["c-alpha"], await ListAsync(server, "tags%5BTier%5D=gold&tags%5Bregion%5D=eu"));
        Assert.Empty(await ListAsync(server, "tags%5Btier%5D=gold&tags%5Bregion%5D=us"));
        Assert.Equal(["c-beta"], await ListAsync(server, "search=b&tags%5Btier%5D=silver"));
        var twiceTag = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections?tags%5BPlan%5D=a&tags%5Bplan%5D=b", null, Token);
        var pageAndCursor = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections?page=1&cursor=c2VxOjE%3D", null, Token);
        // ASP.NET's query keys are case-insensitive: the two arrive as one key given twice, refused as Nango refuses the pair.
        Assert.Equal((400, "invalid_query_params"), (twiceTag.Status, (string?)twiceTag.Json["error"]!["code"]));
        Assert.Equal((400, "page"), (pageAndCursor.Status, (string?)pageAndCursor.Json["error"]!["errors"]![0]!["path"]![0]));
        var badTag = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections?tags%5B123invalid%5D=value", null, Token);
        Assert.Equal(
            """{"code":"invalid_query_params","errors":[{"code":"invalid_key","message":"Invalid key in record","path":["tags","123invalid"]}]}""",
            badTag.Json["error"]!.ToJsonString());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task NangosDeprecatedSingularPaths_AreTheSameOperations(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        await server.CreateConnectionAsync("doomed", null, Token);

        var list = await server.Client.SendAsync(HttpMethod.Get, "connection?connectionId=acme", null, null, Token);
        var one = await server.Client.SendAsync(HttpMethod.Get, "connection/acme?provider_config_key=demo", null, null, Token);
        var set = await ApiTestServer.SendRawAsync(server, HttpMethod.Post, "connection/metadata", """{"connection_id":"acme","provider_config_key":"demo","metadata":{"a":1}}""", Token);
        var merged = await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connection/metadata", """{"connection_id":"acme","provider_config_key":"demo","metadata":{"b":2}}""", Token);
        var deleted = await ApiTestServer.SendRawAsync(server, HttpMethod.Delete, "connection/doomed?provider_config_key=demo", null, Token);
        var after = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);

        Assert.Equal(["acme"], list!["connections"]!.AsArray().Select(c => (string?)c!["connection_id"]));
        Assert.Equal("acme", (string?)one!["connection_id"]);
        Assert.Equal((201, 200, 200), (set.Status, merged.Status, deleted.Status));
        Assert.Equal(["acme"], after!["connections"]!.AsArray().Select(c => (string?)c!["connection_id"]));
        Assert.Equal("""{"a":1,"b":2}""", after["connections"]![0]!["metadata"]!.ToJsonString());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task AnImportedOAuth2Connection_HasNangosRaw_AndAnIsoExpiry_AndAReadStampsLastFetchedAt(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        var created = await server.Client.CreateConnectionAsync(new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "imported",
            ["credentials"] = new JsonObject { ["type"] = "OAUTH2", ["access_token"] = "at", ["refresh_token"] = "rt", ["expires_at"] = 4_102_444_800_000 },
        }, Token);

        var read = await server.Client.SendAsync(HttpMethod.Get, "connections/imported?provider_config_key=demo", null, null, Token);

        // Nango stores {...credentials, raw: credentials} with expires_at coerced to a date; getRawTokenResponse reads raw.
        Assert.Equal("2100-01-01T00:00:00.000Z", (string?)created!["credentials"]!["expires_at"]);
        Assert.Equal("""{"type":"OAUTH2","access_token":"at","expires_at":"2100-01-01T00:00:00.000Z"}""", read!["credentials"]!["raw"]!.ToJsonString());
        Assert.Equal("2100-01-01T00:00:00.000Z", (string?)read["credentials"]!["expires_at"]);
        Assert.Null(created["last_fetched_at"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", (string?)read["last_fetched_at"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Import_CredentialsOfAnotherKindThanTheProviders_AreRefused_AsNango(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        var app = new JsonObject { ["type"] = "OAUTH2", ["client_id"] = "client-id", ["client_secret"] = "client-secret" };
        await server.Client.SendAsync(HttpMethod.Post, "integrations", new JsonObject { ["provider"] = "github", ["unique_key"] = "gh", ["credentials"] = app }, null, Token);

        var apiKey = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"gh","connection_id":"k","credentials":{"type":"API_KEY","apiKey":"x"}}""", Token);
        var oauth = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"gh","connection_id":"o","credentials":{"type":"OAUTH2","access_token":"at"}}""", Token);
        // A provider without a template (demo's sample-data) takes any kind: there is no auth mode to compare.
        var untemplated = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"demo","connection_id":"d","credentials":{"type":"API_KEY","apiKey":"x"}}""", Token);
        // An OAUTH2_CC template's tokens are fetched, never imported: that mode is not compared.
        await server.Client.SendAsync(HttpMethod.Post, "integrations", new JsonObject { ["provider"] = "paypal", ["unique_key"] = "pp" }, null, Token);
        var clientCredentials = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"pp","connection_id":"p","credentials":{"type":"OAUTH2","access_token":"at"}}""", Token);
        var list = await ListAsync(server, "integrationId=gh");

        Assert.Equal((400, """{"code":"invalid_body","message":"Provider OAUTH2 does not support API_KEY auth"}"""), (apiKey.Status, apiKey.Json["error"]!.ToJsonString()));
        Assert.Equal((201, 201, 201), (oauth.Status, untemplated.Status, clientCredentials.Status));
        Assert.Equal(["o"], list);
    }

    private static async Task<List<string?>> ListAsync(TestServer server, string query)
    {
        var page = await server.Client.SendAsync(HttpMethod.Get, $"connections?{query}", null, null, Token);
        return [.. page!["connections"]!.AsArray().Select(c => (string?)c!["connection_id"])];
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ConnectionBodies_CarryTagsAndNangoCredentials(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        var created = await server.CreateConnectionAsync("acme", null, Token);
        await server.Client.CreateConnectionAsync(new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "oauth",
            ["credentials"] = new JsonObject { ["type"] = "OAUTH2", ["access_token"] = "at", ["refresh_token"] = "rt" },
        }, Token);

        var fetched = await server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        var oauth = await server.Client.SendAsync(HttpMethod.Get, "connections/oauth?provider_config_key=demo", null, null, Token);
        var oauthWithRefresh = await server.Client.SendAsync(HttpMethod.Get, "connections/oauth?provider_config_key=demo&refresh_token=true", null, null, Token);

        Assert.Equal("{}", created!["tags"]!.ToJsonString());
        Assert.Equal("{}", created["credentials"]!.ToJsonString());
        Assert.Equal("{}", fetched!["tags"]!.ToJsonString());
        Assert.Equal("{}", fetched["credentials"]!.ToJsonString());
        Assert.All(list!["connections"]!.AsArray(), c => Assert.Equal("{}", c!["tags"]!.ToJsonString()));
        Assert.Null(oauth!["credentials"]!["refresh_token"]);
        Assert.Equal("rt", (string?)oauthWithRefresh!["credentials"]!["refresh_token"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Create_WithoutCredentialsOrWithAnUnreadableId_IsRefusedAndCreatesNothing(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);

        var noCredentials = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"demo","connection_id":"acme"}""", Token);
        var hashId = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"demo","connection_id":"acme#eu","credentials":{"type":"NONE"}}""", Token);
        var extraKey = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"demo","connection_id":"acme","credentials":{"type":"NONE"},"extra":1}""", Token);
        var extraCredential = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"demo","connection_id":"acme","credentials":{"type":"NONE","x":1}}""", Token);
        var unknownIntegration = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"nope","connection_id":"acme","credentials":{"type":"NONE"}}""", Token);
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);

        Assert.Equal((400, "invalid_body"), (noCredentials.Status, (string?)noCredentials.Json["error"]!["code"]));
        Assert.Equal("credentials", (string?)noCredentials.Json["error"]!["errors"]![0]!["path"]![0]);
        Assert.Equal((400, "invalid_body"), (hashId.Status, (string?)hashId.Json["error"]!["code"]));
        Assert.Equal("invalid_format", (string?)hashId.Json["error"]!["errors"]![0]!["code"]);
        Assert.Equal("unrecognized_keys", (string?)extraKey.Json["error"]!["errors"]![0]!["code"]);
        Assert.Equal("unrecognized_keys", (string?)extraCredential.Json["error"]!["errors"]![0]!["code"]);
        Assert.Equal((404, "not_found", "Integration does not exist"), (unknownIntegration.Status, (string?)unknownIntegration.Json["error"]!["code"], (string?)unknownIntegration.Json["error"]!["message"]));
        Assert.Empty(list!["connections"]!.AsArray());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task List_HonoursLimitAndRefusesUnknownOrIllTypedParameters(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("a", null, Token);
        await server.CreateConnectionAsync("b", null, Token);

        var limited = await server.Client.SendAsync(HttpMethod.Get, "connections?limit=1", null, null, Token);
        var unknown = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections?bogus=1", null, Token);
        var illTyped = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections?limit=abc", null, Token);
        var forceRefresh = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections/a?provider_config_key=demo&force_refresh=maybe", null, Token);

        Assert.Single(limited!["connections"]!.AsArray());
        Assert.Equal((400, "invalid_query_params"), (unknown.Status, (string?)unknown.Json["error"]!["code"]));
        Assert.Equal((400, "invalid_query_params"), (illTyped.Status, (string?)illTyped.Json["error"]!["code"]));
        Assert.Equal((400, "invalid_query_params"), (forceRefresh.Status, (string?)forceRefresh.Json["error"]!["code"]));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Metadata_UnknownKeyOrDuplicateKey_IsRefusedAndTheConnectionKeepsItsMetadata(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Token);

        var extra = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Patch, "connections/metadata", """{"provider_config_key":"demo","connection_id":"acme","metadata":{"x":1},"extra":2}""", Token);
        var duplicate = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Patch, "connections/metadata", """{"provider_config_key":"demo","connection_id":"acme","metadata":{"x":1,"x":2}}""", Token);
        var created = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections", """{"provider_config_key":"demo","connection_id":"dup","credentials":{"type":"NONE"},"metadata":{"a":1,"a":2}}""", Token);
        var fetched = await server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);

        Assert.Equal((400, "invalid_body"), (extra.Status, (string?)extra.Json["error"]!["code"]));
        Assert.Equal((400, "invalid_body"), (duplicate.Status, (string?)duplicate.Json["error"]!["code"]));
        Assert.Equal(new[] { "metadata", "x" }, duplicate.Json["error"]!["errors"]![0]!["path"]!.AsArray().Select(p => (string?)p ?? string.Empty));
        Assert.Equal((400, "invalid_body"), (created.Status, (string?)created.Json["error"]!["code"]));
        Assert.Equal("""{"records":5}""", fetched!["metadata"]!.ToJsonString());
    }

    /// <summary>Nango's metadata controllers: POST 201 and PATCH 200 echo the body; a missing connection is its own 404.</summary>
    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Metadata_AnswersEchoTheBody_AndAMissingConnectionIsNangos404(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        await server.CreateConnectionAsync("beta", null, Token);

        var set = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections/metadata", """{"connection_id":["acme","beta"],"provider_config_key":"demo","metadata":{"a":1}}""", Token);
        var merged = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Patch, "connections/metadata", """{"connection_id":"acme","provider_config_key":"demo","metadata":{"b":2}}""", Token);
        var one = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Post, "connections/metadata", """{"connection_id":"nope","provider_config_key":"demo","metadata":{}}""", Token);
        var several = await ApiTestServer.SendRawAsync(
            server, HttpMethod.Patch, "connections/metadata", """{"connection_id":["acme","nope","gone"],"provider_config_key":"demo","metadata":{"c":3}}""", Token);
        var fetched = await server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);

        Assert.Equal(201, set.Status);
        Assert.Equal("""{"connection_id":["acme","beta"],"provider_config_key":"demo","metadata":{"a":1}}""", set.Json.ToJsonString());
        Assert.Equal(200, merged.Status);
        Assert.Equal("""{"connection_id":"acme","provider_config_key":"demo","metadata":{"b":2}}""", merged.Json.ToJsonString());
        Assert.Equal(404, one.Status);
        Assert.Equal(
            """{"code":"unknown_connection","message":"Connection with connection id nope and provider config key demo not found. Please make sure the connection exists in the Nango dashboard"}""",
            one.Json["error"]!.ToJsonString());
        Assert.Equal(404, several.Status);
        Assert.Equal(
            "Connection with connection id nope and provider config key demo not found. Please make sure the connection exists in the Nango dashboard. No actions were taken on any of the connections as a result of this failure.",
            (string?)several.Json["error"]!["message"]);
        Assert.Equal("""{"a":1,"b":2}""", fetched!["metadata"]!.ToJsonString());
    }

    /// <summary>
    /// Nango's deprecated per-connection paths: the body is the metadata, the key from the query or the header; POST
    /// replaces (201), PATCH merges (200), both echo the body; Nango's connection-lookup errors; nothing changes on one.
    /// </summary>
    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task LegacyMetadataPaths_ReplaceAndMerge_WithTheKeyFromQueryOrHeader_AndNangosLookupErrors(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Token);
        var header = new Dictionary<string, string> { ["Provider-Config-Key"] = "demo" };

        var set = await ApiTestServer.SendRawAsync(server, HttpMethod.Post, "connection/acme/metadata?provider_config_key=demo", """{"a":1,"n":{"x":1}}""", Token);
        var merged = await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connection/acme/metadata", """{"b":2,"n":{"y":2}}""", Token, header);
        var afterMerge = await server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);
        var noKey = await ApiTestServer.SendRawAsync(server, HttpMethod.Post, "connection/acme/metadata?provider_config_key=", """{"c":3}""", Token);
        var unknown = await ApiTestServer.SendRawAsync(server, HttpMethod.Patch, "connection/nope/metadata?provider_config_key=demo", """{"c":3}""", Token);
        var notObject = await ApiTestServer.SendRawAsync(server, HttpMethod.Post, "connection/acme/metadata?provider_config_key=demo", "[1]", Token);
        var repeated = await ApiTestServer.SendRawAsync(server, HttpMethod.Post, "connection/acme/metadata?provider_config_key=demo&provider_config_key=demo", "{}", Token);
        var unchanged = await server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);
        var emptied = await ApiTestServer.SendRawAsync(server, HttpMethod.Post, "connection/acme/metadata", null, Token, header);
        var afterEmpty = await server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);

        Assert.Equal((201, """{"a":1,"n":{"x":1}}"""), (set.Status, set.Body));
        Assert.Equal((200, """{"b":2,"n":{"y":2}}"""), (merged.Status, merged.Body));

        // The merge is of the top-level keys, as Nango's spread.
        Assert.Equal("""{"a":1,"n":{"y":2},"b":2}""", afterMerge!["metadata"]!.ToJsonString());
        Assert.Equal(
            (400, "missing_provider_config", "Missing param 'provider_config_key'.", "{}"),
            (noKey.Status, (string?)noKey.Json["error"]!["code"], (string?)noKey.Json["error"]!["message"], noKey.Json["error"]!["payload"]?.ToJsonString()));
        Assert.Equal((404, "unknown_connection"), (unknown.Status, (string?)unknown.Json["error"]!["code"]));
        Assert.StartsWith("No connection matching the provided params of 'connection_id' and 'provider_config_key'.", (string?)unknown.Json["error"]!["message"], StringComparison.Ordinal);
        Assert.Equal((400, "invalid_body"), (notObject.Status, (string?)notObject.Json["error"]!["code"]));
        Assert.Equal((400, "invalid_query_params"), (repeated.Status, (string?)repeated.Json["error"]!["code"]));
        Assert.Equal(afterMerge["metadata"]!.ToJsonString(), unchanged!["metadata"]!.ToJsonString());
        Assert.Equal((201, "{}"), (emptied.Status, emptied.Body));
        Assert.Equal("{}", afterEmpty!["metadata"]!.ToJsonString());
    }

    private static string[] Integrations(RawResponse list) =>
        list.Json["connections"]!.AsArray().Select(c => (string?)c!["provider_config_key"] ?? string.Empty).Order(StringComparer.Ordinal).ToArray();
}
