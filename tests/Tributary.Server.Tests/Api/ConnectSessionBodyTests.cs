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
