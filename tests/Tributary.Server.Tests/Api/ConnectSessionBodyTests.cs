using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>
/// <c>POST /connect/sessions</c> and <c>/reconnect</c> bodies checked as Nango's <c>postSessions</c> and
/// <c>postReconnect</c> check them (the cases of their integration tests): tag rules, integration keys, overrides.
/// </summary>
public sealed class ConnectSessionBodyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> BadTags => new()
    {
        { """{"123invalid":"value"}""", """{"code":"invalid_key","message":"Invalid key in record","path":["tags","123invalid"]}""" },
        { $$"""{"{{new string('k', 65)}}":"value"}""", "\"Invalid key in record\"" },
        { $$"""{"plan":"{{new string('v', 256)}}"}""", "\"Too big: expected string to have <=255 characters\"" },
        { """{"plan":""}""", "\"Too small: expected string to have >=1 characters\"" },
        { "{" + string.Join(',', Enumerable.Range(0, 11).Select(i => $"\"k{i}\":\"v\"")) + "}", "\"Tags cannot contain more than 10 keys\"" },
        { """{"Plan":"a","plan":"b"}""", "Duplicate tag key after case normalization" },
    };

    [Theory]
    [MemberData(nameof(BadTags))]
    public async Task SessionAndReconnect_RefuseNangosBadTags_AndCreateNothing(string tags, string expected)
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        var parsedTags = JsonNode.Parse(tags)!;

        var session = await FailsAsync(() => server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["tags"] = parsedTags.DeepClone() }, null, Token));
        var reconnect = await FailsAsync(() => server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions/reconnect",
            new JsonObject { ["connection_id"] = "acme", ["integration_id"] = "demo", ["tags"] = parsedTags.DeepClone() },
            null,
            Token));

        Assert.Equal((400, "invalid_body"), (session.Status, session.Code));
        Assert.Contains(expected, session.Body, StringComparison.Ordinal);
        Assert.Equal((400, "invalid_body"), (reconnect.Status, reconnect.Code));
        Assert.Contains(expected, reconnect.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IntegrationKeys_Overrides_AndAnEndUsersEmptyTag_AreCheckedAsNango()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        var user = new JsonObject { ["id"] = "u1" };

        var unknownOverride = await FailsAsync(() => CreateAsync(server, new JsonObject { ["end_user"] = user.DeepClone(), ["overrides"] = new JsonObject { ["random"] = new JsonObject() } }));
        var docsLink = await FailsAsync(() => CreateAsync(server, new JsonObject
        {
            ["end_user"] = user.DeepClone(),
            ["overrides"] = new JsonObject { ["demo"] = new JsonObject { ["docs_connect"] = "https://docs.example.com" } },
        }));
        var emptyDocsLink = await CreateAsync(server, new JsonObject
        {
            ["end_user"] = user.DeepClone(),
            ["overrides"] = new JsonObject { ["demo"] = new JsonObject { ["docs_connect"] = string.Empty, ["other"] = 1 } },
        });
        var badKey = await FailsAsync(() => CreateAsync(server, new JsonObject { ["end_user"] = user.DeepClone(), ["allowed_integrations"] = new JsonArray("a$b") }));
        var emptyUserTag = await CreateAsync(server, new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1", ["tags"] = new JsonObject { ["team"] = string.Empty } } });
        var reconnectDefaults = await FailsAsync(() => server.Client.SendAsync(
            HttpMethod.Post,
            "connect/sessions/reconnect",
            new JsonObject { ["connection_id"] = "acme", ["integration_id"] = "demo", ["integrations_config_defaults"] = new JsonObject { ["random"] = new JsonObject() } },
            null,
            Token));
        var reconnectBadId = await FailsAsync(() => server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions/reconnect", new JsonObject { ["connection_id"] = "acme", ["integration_id"] = "a$b" }, null, Token));

        Assert.Equal((400, "invalid_body"), (unknownOverride.Status, unknownOverride.Code));
        Assert.Contains("""{"code":"custom","message":"Integration does not exist","path":["overrides","random"]}""", unknownOverride.Body, StringComparison.Ordinal);
        Assert.Equal((403, "forbidden", "You are not allowed to override the docs connect url"), (docsLink.Status, docsLink.Code, docsLink.ErrorMessage()));
        Assert.NotNull(emptyDocsLink!["data"]!["token"]);
        Assert.Equal((400, "invalid_body"), (badKey.Status, badKey.Code));
        Assert.Contains("""["allowed_integrations","0"]""", badKey.Body, StringComparison.Ordinal);
        Assert.Contains("must match pattern", badKey.Body, StringComparison.Ordinal);
        Assert.NotNull(emptyUserTag!["data"]!["token"]);
        Assert.Equal((400, "invalid_body"), (reconnectDefaults.Status, reconnectDefaults.Code));
        Assert.Contains("""{"code":"custom","message":"Integration does not exist","path":["integrations_config_defaults","random"]}""", reconnectDefaults.Body, StringComparison.Ordinal);
        Assert.Equal((400, "invalid_body"), (reconnectBadId.Status, reconnectBadId.Code));
        Assert.Contains("""["integration_id"]""", reconnectBadId.Body, StringComparison.Ordinal);

        // The override's unknown key was dropped, as zod strips it: the stored session reads without it.
        var read = await ReadAsync(server, (string)emptyDocsLink["data"]!["token"]!);
        Assert.Equal("""{"demo":{"docs_connect":""}}""", read["data"]!["overrides"]!.ToJsonString());
    }

    [Fact]
    public async Task TheDeprecatedConnectionConfigWebhookUrl_IsCheckedTakenOutAndBecomesTheOverride_AsNango()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        await server.Client.SendAsync(HttpMethod.Post, "integrations", new JsonObject { ["provider"] = "sendgrid", ["unique_key"] = "sg" }, null, Token);
        JsonObject Defaults(string url) => new()
        {
            ["sg"] = new JsonObject { ["connection_config"] = new JsonObject { ["webhook_url"] = url, ["region"] = "eu" } },
        };

        var invalid = await FailsAsync(() => CreateAsync(server, new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["integrations_config_defaults"] = Defaults("not a url") }));
        var created = await CreateAsync(server, new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" }, ["integrations_config_defaults"] = Defaults("https://hooks.example.com/deprecated") });
        var explicitWins = await CreateAsync(server, new JsonObject
        {
            ["end_user"] = new JsonObject { ["id"] = "u2" }, ["webhook_url_override"] = string.Empty, ["integrations_config_defaults"] = Defaults("https://hooks.example.com/deprecated"),
        });

        var token = (string)created!["data"]!["token"]!;
        var read = await ReadAsync(server, token);
        var connected = await ConnectAsync(server, token);
        var connectedExplicit = await ConnectAsync(server, (string)explicitWins!["data"]!["token"]!);

        Assert.Equal((400, "invalid_body"), (invalid.Status, invalid.Code));
        Assert.Contains(
            """{"code":"invalid_format","message":"Invalid URL. Note: connection_config.webhook_url is deprecated; use top-level webhook_url_override instead.","path":["integrations_config_defaults","sg","connection_config","webhook_url"]}""",
            invalid.Body,
            StringComparison.Ordinal);
        Assert.Equal("""{"region":"eu"}""", read["data"]!["integrations_config_defaults"]!["sg"]!["connection_config"]!.ToJsonString());
        Assert.Equal("https://hooks.example.com/deprecated", (string?)connected["webhook_url_override"]);
        Assert.Equal("eu", (string?)connected["connection_config"]!["region"]);
        Assert.False(connected["connection_config"]!.AsObject().ContainsKey("webhook_url"));
        Assert.True(string.IsNullOrEmpty((string?)connectedExplicit["webhook_url_override"]));
    }

    /// <summary>Connects the session to <c>sg</c> with an API key and reads the connection back.</summary>
    private static async Task<JsonNode> ConnectAsync(TestServer server, string token)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var content = new StringContent("""{"apiKey":"k"}""", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"api-auth/api-key/sg?connect_session_token={token}", content, Token);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!;
        return (await server.Client.SendAsync(HttpMethod.Get, $"connections/{(string)answer["connectionId"]!}?provider_config_key=sg", null, null, Token))!;
    }

    private static Task<JsonNode?> CreateAsync(TestServer server, JsonObject body) =>
        server.Client.SendAsync(HttpMethod.Post, "connect/sessions", body, null, Token);

    private static async Task<JsonNode> ReadAsync(TestServer server, string token)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "connect/session");
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        using var response = await http.SendAsync(request, Token);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!;
    }

    private static Task<TributaryApiException> FailsAsync(Func<Task> call) => Assert.ThrowsAsync<TributaryApiException>(call);
}
