using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary><c>POST /integrations</c>, <c>PATCH</c> and <c>DELETE /integrations/{key}</c> in Nango's shapes.</summary>
public sealed class IntegrationEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Create_NewIntegration_AnswersDataAndIsListed(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);

        var created = await CreateAsync(server.Client, new JsonObject
        {
            ["provider"] = "github", ["unique_key"] = "gh", ["display_name"] = "GitHub", ["forward_webhooks"] = false, ["credentials"] = OAuthApp(),
        });
        var fetched = await server.Client.SendAsync(HttpMethod.Get, "integrations/gh", null, null, Token);
        var list = await server.Client.SendAsync(HttpMethod.Get, "integrations", null, null, Token);
        var plain = await CreateAsync(server.Client, new JsonObject { ["provider"] = "sample-data", ["unique_key"] = "hs" });
        var templated = await CreateAsync(server.Client, new JsonObject { ["provider"] = "sendgrid", ["unique_key"] = "sg" });

        var data = created["data"]!;
        Assert.Equal(["data"], created.AsObject().Select(p => p.Key));
        Assert.Equal(("gh", "github", "GitHub"), ((string?)data["unique_key"], (string?)data["provider"], (string?)data["display_name"]));
        foreach (var field in new[] { "logo", "created_at", "updated_at" })
        {
            Assert.NotNull((string?)data[field]);
        }

        Assert.Equal(data.ToJsonString(), fetched!["data"]!.ToJsonString());
        Assert.Contains(list!["data"]!.AsArray(), i => (string?)i!["unique_key"] == "gh");
        Assert.Equal("hs", (string?)plain["data"]!["display_name"]);

        // Nango's integrationToPublicApi: the template's display name when none was given, forward_webhooks as set
        // (true by default), missing_fields.
        Assert.Equal("SendGrid", (string?)templated["data"]!["display_name"]);
        Assert.Equal((false, true), ((bool)data["forward_webhooks"]!, (bool)templated["data"]!["forward_webhooks"]!));
        Assert.Equal("[]", data["missing_fields"]!.ToJsonString());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Create_InvalidOrTakenKey_AnswersInvalidBody(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);

        var taken = await FailsAsync(() => CreateAsync(server.Client, new JsonObject { ["provider"] = "sample-data", ["unique_key"] = "demo" }));
        var missing = await FailsAsync(() => CreateAsync(server.Client, new JsonObject { ["unique_key"] = "x", ["extra"] = 1 }));
        var credentials = await FailsAsync(() => CreateAsync(server.Client, new JsonObject
        {
            ["provider"] = "github",
            ["unique_key"] = "gh",
            ["credentials"] = new JsonObject { ["type"] = "API_KEY", ["client_id"] = "a", ["client_secret"] = "b" },
        }));
        var list = await server.Client.SendAsync(HttpMethod.Get, "integrations", null, null, Token);

        Assert.Equal(400, taken.Status);
        Assert.Equal(
            """{"code":"invalid_body","errors":[{"code":"invalid_string","message":"Unique key already exists","path":["uniqueKey"]}]}""",
            JsonNode.Parse(taken.Body)!["error"]!.ToJsonString());
        var issues = JsonNode.Parse(missing.Body)!["error"]!["errors"]!.AsArray();
        Assert.Equal(["provider", ""], issues.Select(i => string.Join('.', i!["path"]!.AsArray().Select(p => (string?)p))));
        Assert.Equal(["invalid_type", "unrecognized_keys"], issues.Select(i => (string?)i!["code"]));
        Assert.Equal((400, "invalid_body"), (credentials.Status, credentials.Code));
        Assert.Equal(
            ["credentials.type"],
            JsonNode.Parse(credentials.Body)!["error"]!["errors"]!.AsArray().Select(i => string.Join('.', i!["path"]!.AsArray().Select(p => (string?)p))));
        Assert.Equal(["demo"], list!["data"]!.AsArray().Select(i => (string?)i!["unique_key"]));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Update_DisplayNameAndKey_FollowNangoRules(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        await CreateAsync(server.Client, new JsonObject { ["provider"] = "github", ["unique_key"] = "gh", ["credentials"] = OAuthApp() });

        var relabelled = await PatchAsync(server.Client, "demo", new JsonObject { ["display_name"] = "Demo data" });
        var renamed = await PatchAsync(server.Client, "gh", new JsonObject { ["unique_key"] = "github-main" });
        var taken = await FailsAsync(() => PatchAsync(server.Client, "github-main", new JsonObject { ["unique_key"] = "demo" }));
        var withConnections = await FailsAsync(() => PatchAsync(server.Client, "demo", new JsonObject { ["unique_key"] = "demo2" }));
        var unknown = await FailsAsync(() => PatchAsync(server.Client, "nope", new JsonObject { ["display_name"] = "x" }));
        var oldKey = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "integrations/gh", null, null, Token));

        Assert.Equal(("demo", "Demo data"), ((string?)relabelled["data"]!["unique_key"], (string?)relabelled["data"]!["display_name"]));
        Assert.Equal("github-main", (string?)renamed["data"]!["unique_key"]);
        Assert.Equal((400, "invalid_body", "uniqueKey is already used by another integration"), (taken.Status, taken.Code, taken.ErrorMessage()));
        Assert.Equal((400, "invalid_body", "Can't rename an integration with active connections"), (withConnections.Status, withConnections.Code, withConnections.ErrorMessage()));
        Assert.Equal((404, "not_found", "Integration \"nope\" does not exist"), (unknown.Status, unknown.Code, unknown.ErrorMessage()));
        Assert.Equal(404, oldKey.Status);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Get_AnUnknownKey_TheIncludes_AndAListQuery_AnswerAsNangosControllers(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);

        var unknown = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "integrations/nope", null, null, Token));
        var both = await server.Client.SendAsync(HttpMethod.Get, "integrations/demo?include=webhook&include=credentials", null, null, Token);
        var webhookOnly = await server.Client.SendAsync(HttpMethod.Get, "integrations/demo?include=webhook", null, null, Token);
        var listWithQuery = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "integrations?x=1", null, null, Token));

        Assert.Equal((404, "not_found", "Integration \"nope\" does not exist"), (unknown.Status, unknown.Code, unknown.ErrorMessage()));
        // Included keys are always there: no OAuth app is credentials null, and no provider webhooks is webhook_url null.
        var data = both!["data"]!.AsObject();
        Assert.True(data.ContainsKey("credentials") && data["credentials"] is null);
        Assert.True(data.ContainsKey("webhook_url") && data["webhook_url"] is null);
        Assert.False(webhookOnly!["data"]!.AsObject().ContainsKey("credentials"));
        Assert.True(webhookOnly["data"]!.AsObject().ContainsKey("webhook_url"));
        Assert.Equal((400, "invalid_query_params"), (listWithQuery.Status, listWithQuery.Code));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Delete_Integration_RemovesItWithItsConnectionsAndRuns(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        await server.TriggerAsync("acme", "contacts", Token);

        var deleted = await server.Client.SendAsync(HttpMethod.Delete, "integrations/demo", null, null, Token);
        var fetched = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "integrations/demo", null, null, Token));
        var connections = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        var runs = await server.Client.SendAsync(HttpMethod.Get, "runs", null, null, Token);
        var again = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Delete, "integrations/demo", null, null, Token));

        Assert.Equal("""{"success":true}""", deleted!.ToJsonString());
        Assert.Equal(404, fetched.Status);
        Assert.Empty(connections!["connections"]!.AsArray());
        Assert.Empty(runs!["runs"]!.AsArray());
        Assert.Equal((404, "not_found", "Integration does not exist"), (again.Status, again.Code, again.ErrorMessage()));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Writes_WithReadOnlyKey_AreForbidden(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        using var reader = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:integrations:read");

        var list = await reader.SendAsync(HttpMethod.Get, "integrations", null, null, Token);
        var create = await FailsAsync(() => CreateAsync(reader, new JsonObject { ["provider"] = "github", ["unique_key"] = "gh" }));
        var update = await FailsAsync(() => PatchAsync(reader, "demo", new JsonObject { ["display_name"] = "x" }));
        var delete = await FailsAsync(() => reader.SendAsync(HttpMethod.Delete, "integrations/demo", null, null, Token));

        Assert.NotNull(list);
        Assert.Equal((403, "Insufficient scope. Required: environment:integrations:create"), (create.Status, create.ErrorMessage()));
        Assert.Equal((403, "Insufficient scope. Required: environment:integrations:update"), (update.Status, update.ErrorMessage()));
        Assert.Equal((403, "Insufficient scope. Required: environment:integrations:delete"), (delete.Status, delete.ErrorMessage()));
    }

    [Theory]
    [InlineData("application/json", 200)]
    [InlineData("text/plain", 415)]
    public async Task EnvironmentVariables_TakeAJsonContentTypeWithoutABody_AndRefuseAnother(string contentType, int status)
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "environment-variables") { Content = new ByteArrayContent([]) };
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {server.SecretKey}");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await http.SendAsync(request, Token);

        Assert.Equal(status, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!;
        Assert.Equal(status == 200 ? "[]" : "invalid_content_type", status == 200 ? body.ToJsonString() : (string?)body["error"]!["code"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Writes_AreCheckedAsNangosControllers_CredentialsKinds_Patterns_RouteKeys_AndForwardWebhooksIsKept(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);

        var missingApp = await FailsAsync(() => CreateAsync(server.Client, new JsonObject { ["provider"] = "github", ["unique_key"] = "gh" }));
        var wrongKind = await FailsAsync(() => CreateAsync(server.Client, new JsonObject { ["provider"] = "sendgrid", ["unique_key"] = "sg", ["credentials"] = OAuthApp() }));
        var notAnObject = await FailsAsync(() => CreateAsync(server.Client, new JsonObject { ["provider"] = "github", ["unique_key"] = "gh", ["credentials"] = "x" }));
        var badProvider = await FailsAsync(() => CreateAsync(server.Client, new JsonObject { ["provider"] = "a.b", ["unique_key"] = "ab" }));
        var badScopes = await FailsAsync(() => CreateAsync(server.Client, new JsonObject
        {
            ["provider"] = "github", ["unique_key"] = "gh", ["credentials"] = OAuthApp("read write"),
        }));
        var emptySecret = await FailsAsync(() => CreateAsync(server.Client, new JsonObject
        {
            ["provider"] = "github", ["unique_key"] = "gh",
            ["credentials"] = new JsonObject { ["type"] = "OAUTH2", ["client_id"] = "id", ["client_secret"] = string.Empty },
        }));
        var app = OAuthApp("repo,read:org");
        app["webhook_secret"] = "whsec";
        var created = await CreateAsync(server.Client, new JsonObject { ["provider"] = "github", ["unique_key"] = "gh", ["credentials"] = app });
        var forwardOff = await PatchAsync(server.Client, "gh", new JsonObject { ["forward_webhooks"] = false });
        var relabelled = await PatchAsync(server.Client, "gh", new JsonObject { ["display_name"] = "Main" });
        var patchUnknown = await FailsAsync(() => PatchAsync(server.Client, "sg-none", new JsonObject { ["display_name"] = "x" }));
        var clientCredentialsApp = await CreateAsync(server.Client, new JsonObject { ["provider"] = "paypal", ["unique_key"] = "pp", ["credentials"] = OAuthApp() });
        await CreateAsync(server.Client, new JsonObject { ["provider"] = "sendgrid", ["unique_key"] = "sg" });
        var patchApp = await FailsAsync(() => PatchAsync(server.Client, "sg", new JsonObject { ["credentials"] = OAuthApp() }));
        var badRouteKey = await FailsAsync(() => PatchAsync(server.Client, "a$b", new JsonObject { ["display_name"] = "x" }));
        var badDeleteKey = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Delete, "integrations/a$b", null, null, Token));
        var variablesQuery = await FailsAsync(() => server.Client.SendAsync(HttpMethod.Get, "environment-variables?x=1", null, null, Token));
        var list = await server.Client.SendAsync(HttpMethod.Get, "integrations", null, null, Token);

        Assert.Equal((400, "invalid_body", "Missing credentials"), (missingApp.Status, missingApp.Code, missingApp.ErrorMessage()));
        Assert.Equal((400, "invalid_body", "incompatible credentials auth type and provider auth"), (wrongKind.Status, wrongKind.Code, wrongKind.ErrorMessage()));
        Assert.Contains("""{"code":"invalid_type","message":"invalid credentials object","path":["credentials"]}""", notAnObject.Body, StringComparison.Ordinal);
        Assert.Contains("""["provider"]""", badProvider.Body, StringComparison.Ordinal);
        Assert.Contains("""{"code":"invalid_union","message":"Invalid input","path":["credentials","scopes"]}""", badScopes.Body, StringComparison.Ordinal);
        Assert.Contains("""{"code":"too_small","message":"Too small: expected string to have >=1 characters","path":["credentials","client_secret"]}""", emptySecret.Body, StringComparison.Ordinal);
        Assert.True((bool)created["data"]!["forward_webhooks"]!);
        Assert.False((bool)forwardOff["data"]!["forward_webhooks"]!);
        Assert.Equal(("Main", false), ((string?)relabelled["data"]!["display_name"], (bool)relabelled["data"]!["forward_webhooks"]!));
        Assert.Equal(404, patchUnknown.Status);
        Assert.Equal("pp", (string?)clientCredentialsApp["data"]!["unique_key"]);
        Assert.Equal((400, "incompatible credentials auth type and provider auth"), (patchApp.Status, patchApp.ErrorMessage()));
        Assert.Equal((400, "invalid_uri_params"), (badRouteKey.Status, badRouteKey.Code));
        Assert.Equal((400, "invalid_uri_params"), (badDeleteKey.Status, badDeleteKey.Code));
        Assert.Equal((400, "invalid_query_params"), (variablesQuery.Status, variablesQuery.Code));

        // Nothing refused was created; the OAuth app's secret and the webhook secret are never answered.
        Assert.Equal(["demo", "gh", "pp", "sg"], list!["data"]!.AsArray().Select(i => (string)i!["unique_key"]!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("whsec", created.ToJsonString(), StringComparison.Ordinal);
    }

    private static JsonObject OAuthApp(string? scopes = null)
    {
        var app = new JsonObject { ["type"] = "OAUTH2", ["client_id"] = "client-id", ["client_secret"] = "client-secret" };
        if (scopes is not null)
        {
            app["scopes"] = scopes;
        }

        return app;
    }

    private static async Task<JsonNode> CreateAsync(TributaryClient client, JsonObject body) =>
        (await client.SendAsync(HttpMethod.Post, "integrations", body, null, Token))!;

    private static async Task<JsonNode> PatchAsync(TributaryClient client, string key, JsonObject body) =>
        (await client.SendAsync(HttpMethod.Patch, $"integrations/{key}", body, null, Token))!;

    private static Task<TributaryApiException> FailsAsync(Func<Task> call) => Assert.ThrowsAsync<TributaryApiException>(call);
}
