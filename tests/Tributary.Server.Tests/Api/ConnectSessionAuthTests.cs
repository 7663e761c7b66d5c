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
