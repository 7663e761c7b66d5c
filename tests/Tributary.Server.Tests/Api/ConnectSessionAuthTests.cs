using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>
/// <c>GET</c> and <c>DELETE /connect/session</c> as Nango's <c>connectSessionAuth</c> and controllers answer them: the
/// token from the <c>Authorization</c> header only, Nango's 401s, then an empty query and an empty body.
/// </summary>
public sealed class ConnectSessionAuthTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadAndDelete_RefuseAsNango_WithoutAValidToken_OrWithInput_AndAnswerATagsOnlySessionsEndUserAsNull()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        var created = await server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions", new JsonObject { ["tags"] = new JsonObject { ["plan"] = "pro" } }, null, Token);
        var token = (string)created!["data"]!["token"]!;

        var missing = await SendAsync(server, HttpMethod.Get, "connect/session", null, null);
        var secretKey = await SendAsync(server, HttpMethod.Get, "connect/session", $"Bearer {server.SecretKey}", null);
        var unknown = await SendAsync(server, HttpMethod.Get, "connect/session", "Bearer nango_connect_session_" + new string('0', 64), null);
        var inQueryOnly = await SendAsync(server, HttpMethod.Get, $"connect/session?connect_session_token={token}", null, null);
        var withQuery = await SendAsync(server, HttpMethod.Delete, "connect/session?x=1", $"Bearer {token}", null);
        var withBody = await SendAsync(server, HttpMethod.Get, "connect/session", $"Bearer {token}", """{"a":1}""");
        var read = await SendAsync(server, HttpMethod.Get, "connect/session", $"Bearer {token}", "{}");

        Assert.Equal(
            (HttpStatusCode.Unauthorized, """{"error":{"code":"missing_auth_header","message":"Authentication failed. The request is missing the Authorization header.","payload":{}}}"""),
            (missing.Status, WithoutTopLevelMessage(missing.Body)));
        Assert.Equal(
            (HttpStatusCode.Unauthorized, "invalid_connect_session_token_format", "Authentication failed. The provided connect session token is not following correct format: nango_connect_session_RANDOM)"),
            (secretKey.Status, (string?)secretKey.Body["error"]!["code"], (string?)secretKey.Body["error"]!["message"]));
        Assert.Equal(
            (HttpStatusCode.Unauthorized, "unknown_connect_session_token", "Authentication failed. The provided connect session token does not match any account."),
            (unknown.Status, (string?)unknown.Body["error"]!["code"], (string?)unknown.Body["error"]!["message"]));
        Assert.Equal((HttpStatusCode.Unauthorized, "missing_auth_header"), (inQueryOnly.Status, (string?)inQueryOnly.Body["error"]!["code"]));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_query_params"), (withQuery.Status, (string?)withQuery.Body["error"]!["code"]));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (withBody.Status, (string?)withBody.Body["error"]!["code"]));
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.True(read.Body["data"]!.AsObject().ContainsKey("endUser"));
        Assert.Null(read.Body["data"]!["endUser"]);

        // The refused DELETE left the session: it is still read, then deleted.
        var deleted = await SendAsync(server, HttpMethod.Delete, "connect/session", $"Bearer {token}", null);
        var after = await SendAsync(server, HttpMethod.Get, "connect/session", $"Bearer {token}", null);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.Unauthorized), (deleted.Status, after.Status));
    }

    [Fact]
    public async Task ApiKeyFlow_ChecksInNangosOrder_AndAnswersItsBareCodes()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        await server.Client.SendAsync(HttpMethod.Post, "integrations", new JsonObject { ["provider"] = "sendgrid", ["unique_key"] = "sg" }, null, Token);
        var created = await server.Client.SendAsync(HttpMethod.Post, "connect/sessions", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1" } }, null, Token);
        var token = (string)created!["data"]!["token"]!;

        var noToken = await SendAsync(server, HttpMethod.Post, "api-auth/api-key/sg", null, """{"apiKey":"k"}""");
        var badBodyFirst = await SendAsync(server, HttpMethod.Post, $"api-auth/api-key/sg?connect_session_token={token}&connection_id=mine", null, "{}");
        var badKey = await SendAsync(server, HttpMethod.Post, $"api-auth/api-key/a$b?connect_session_token={token}", null, """{"apiKey":"k"}""");
        var connectionIdBeside = await SendAsync(server, HttpMethod.Post, $"api-auth/api-key/sg?connect_session_token={token}&connection_id=mine", null, """{"apiKey":"k"}""");
        var unknown = await SendAsync(server, HttpMethod.Post, $"api-auth/api-key/nope?connect_session_token={token}", null, """{"apiKey":"k"}""");
        var wrongMode = await SendAsync(server, HttpMethod.Post, $"api-auth/basic/sg?connect_session_token={token}", null, """{"username":"u","password":"p"}""");
        var connected = await SendAsync(server, HttpMethod.Post, $"api-auth/api-key/sg?connect_session_token={token}", null, """{"apiKey":"k"}""");

        Assert.Equal((HttpStatusCode.Unauthorized, "missing_public_key"), (noToken.Status, (string?)noToken.Body["error"]!["code"]));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_body"), (badBodyFirst.Status, (string?)badBodyFirst.Body["error"]!["code"]));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_uri_params"), (badKey.Status, (string?)badKey.Body["error"]!["code"]));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_query_params"), (connectionIdBeside.Status, (string?)connectionIdBeside.Body["error"]!["code"]));
        Assert.Equal((HttpStatusCode.NotFound, """{"code":"unknown_provider_config"}"""), (unknown.Status, unknown.Body["error"]!.ToJsonString()));
        Assert.Equal((HttpStatusCode.BadRequest, """{"code":"invalid_auth_mode"}"""), (wrongMode.Status, wrongMode.Body["error"]!.ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, connected.Status);
        Assert.Equal("sg", (string?)connected.Body["providerConfigKey"]);

        // Only the accepted call made a connection.
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections?integrationId=sg", null, null, Token);
        Assert.Equal([(string?)connected.Body["connectionId"]], list!["connections"]!.AsArray().Select(c => (string?)c!["connection_id"]));
    }

    [Fact]
    public async Task AReconnectSessionWhoseConnectionWasDeleted_IsNangosInvalidConnection_AndCreatesNothing()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        await server.Client.SendAsync(HttpMethod.Post, "integrations", new JsonObject { ["provider"] = "sendgrid", ["unique_key"] = "sg" }, null, Token);
        await server.Client.SendAsync(
            HttpMethod.Post,
            "connections",
            new JsonObject { ["provider_config_key"] = "sg", ["connection_id"] = "gone", ["credentials"] = new JsonObject { ["type"] = "API_KEY", ["apiKey"] = "old" } },
            null,
            Token);
        var created = await server.Client.SendAsync(
            HttpMethod.Post, "connect/sessions/reconnect", new JsonObject { ["connection_id"] = "gone", ["integration_id"] = "sg" }, null, Token);
        await server.Client.SendAsync(HttpMethod.Delete, "connections/gone?provider_config_key=sg", null, null, Token);

        var answer = await SendAsync(server, HttpMethod.Post, $"api-auth/api-key/sg?connect_session_token={(string)created!["data"]!["token"]!}", null, """{"apiKey":"new"}""");
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections?integrationId=sg", null, null, Token);

        Assert.Equal((HttpStatusCode.BadRequest, """{"code":"invalid_connection"}"""), (answer.Status, answer.Body["error"]!.ToJsonString()));
        Assert.Empty(list!["connections"]!.AsArray());
    }

    /// <summary>Nango's error body, without the top-level <c>message</c> Tributary's error bodies also carry.</summary>
    private static string WithoutTopLevelMessage(JsonNode body)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove("message");
        return copy.ToJsonString();
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(TestServer server, HttpMethod method, string path, string? authorization, string? json)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        return (response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }
}
