using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>
/// <c>GET /openapi.json</c>, generated from the endpoints: pinned by a golden file, complete, truthful about scopes, and
/// agreeing with Nango's reference for the trigger.
/// </summary>
/// <remarks>
/// After a deliberate change to the API (a new endpoint, a contract's field, a summary), regenerate the golden file with
/// <c>TRIBUTARY_UPDATE_GOLDEN=1 dotnet test tests/Tributary.Server.Tests --filter "FullyQualifiedName~OpenApiTests"</c>
/// and review its diff like code.
/// </remarks>
public sealed class OpenApiTests
{
    private const string UpdateGoldenVariable = "TRIBUTARY_UPDATE_GOLDEN";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Document_IsTheGoldenOne()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        var document = await FetchAsync(server);
        var golden = GoldenPath();

        if (Environment.GetEnvironmentVariable(UpdateGoldenVariable) == "1")
        {
            await File.WriteAllTextAsync(golden, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n", Token);
        }

        var expected = JsonNode.Parse(await File.ReadAllTextAsync(golden, Token));
        Assert.True(
            JsonNode.DeepEquals(expected, document),
            $"The generated OpenAPI document differs from {golden}. If the change is meant, set {UpdateGoldenVariable}=1, run this test and review the diff.");
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Document_IsServedWithoutAKeyAndDescribesEveryMappedRoute(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);

        var document = await FetchAsync(server);
        var routes = MappedRoutes(server);

        Assert.StartsWith("3.1.", (string?)document["openapi"], StringComparison.Ordinal);
        Assert.Equal("/", (string?)document["servers"]![0]!["url"]);
        Assert.True(routes.Count >= 25, $"only {routes.Count} routes found");
        var missing = routes.Where(r => !PublicPaths.Contains(r.Path) && document["paths"]?[r.Path]?[r.Method] is null).ToList();
        Assert.True(missing.Count == 0, "Not in the document: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Document_ScopeOfEachOperation_IsTheOneTheServerRequires(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        var document = await FetchAsync(server);

        // A key granting nothing: every protected route names its scope in the 403 before looking at the request.
        using var nothing = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:nothing");
        var checkedOperations = 0;
        var anyKeyOperations = 0;
        foreach (var (path, method) in MappedRoutes(server))
        {
            var operation = document["paths"]?[path]?[method];
            var concrete = path.Replace("{", "x", StringComparison.Ordinal).Replace("}", string.Empty, StringComparison.Ordinal).TrimStart('/');
            if (operation?["x-scope"] is null && operation?["security"] is not null)
            {
                // Any key of the environment (Nango asks no scope of it): the key granting nothing is not refused.
                Assert.Equal(DocumentHeaderBearer, operation["security"]![0]!.AsObject().Single().Key);
                var answer = await Record.ExceptionAsync(() => nothing.SendAsync(new HttpMethod(method.ToUpperInvariant()), concrete, null, null, Token));
                Assert.False(answer is TributaryApiException { Status: 401 or 403 }, $"{method} {path} refused a key of the environment: {answer?.Message}");
                anyKeyOperations++;
                continue;
            }

            if (operation?["x-scope"] is null)
            {
                // Public: the document itself and /health answer without a key.
                Assert.Contains(path, PublicPaths);
                continue;
            }

            Assert.Equal(DocumentHeaderBearer, operation["security"]![0]!.AsObject().Single().Key);

            var refused = await Assert.ThrowsAsync<TributaryApiException>(() => nothing.SendAsync(new HttpMethod(method.ToUpperInvariant()), concrete, null, null, Token));
            Assert.Equal(403, refused.Status);
            Assert.Equal($"Insufficient scope. Required: {(string?)operation["x-scope"]}", refused.ErrorMessage());
            checkedOperations++;
        }

        Assert.True(checkedOperations >= 20, $"only {checkedOperations} operations checked");
        Assert.Equal(2, anyKeyOperations);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_Entry_AgreesWithNangoApiReference(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        var document = await FetchAsync(server);

        var trigger = document["paths"]!["/sync/trigger"]!["post"]!;
        var body = Deref(document, trigger["requestBody"]!["content"]!["application/json"]!["schema"]!);
        var properties = body["properties"]!;
        var items = properties["syncs"]!["items"]!["oneOf"]!.AsArray();
        var nameItem = items.Single(i => (string?)i!["type"] == "string");
        var objectItem = items.Single(i => (string?)i!["type"] == "object");
        var opts = Deref(document, properties["opts"]!)["properties"]!;
        var ok = Deref(document, trigger["responses"]!["200"]!["content"]!["application/json"]!["schema"]!);
        var badRequest = Deref(document, trigger["responses"]!["400"]!["content"]!["application/json"]!["schema"]!);

        Assert.Equal("environment:syncs:execute", (string?)trigger["x-scope"]);
        Assert.Contains("provider_config_key", Strings(body["required"]));
        Assert.Contains("syncs", Strings(body["required"]));
        Assert.Equal("string", (string?)properties["provider_config_key"]!["type"]);
        Assert.Equal("string", (string?)properties["connection_id"]!["type"]);
        Assert.Equal("array", (string?)properties["syncs"]!["type"]);
        Assert.NotNull(nameItem);
        Assert.Equal(["name", "variant"], objectItem!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Contains("name", Strings(objectItem["required"]));
        Assert.Equal(("boolean", "boolean"), ((string?)opts["reset"]!["type"], (string?)opts["emptyCache"]!["type"]));
        Assert.Contains("success", Strings(ok["required"])); // Nango's one required field; Tributary always adds counts
        Assert.Equal("success", ok["properties"]!.AsObject().First().Key);
        Assert.Equal("boolean", (string?)ok["properties"]!["success"]!["type"]);
        Assert.Equal("string", (string?)badRequest["properties"]!["message"]!["type"]);
    }

    /// <summary>
    /// What Nango's own spec describes and the server takes or answers, described here too (a client generated from
    /// this document would otherwise send less than the server reads, or type no answer at all).
    /// </summary>
    [Fact]
    public async Task Document_DescribesTheFieldsHeadersAndAnswersNangosSpecNames()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        var document = await FetchAsync(server);
        var paths = document["paths"]!;
        JsonNode Body(JsonNode operation) => Deref(document, operation["requestBody"]!["content"]!["application/json"]!["schema"]!);
        JsonNode Answer(JsonNode operation, string status) => Deref(document, operation["responses"]![status]!["content"]!["application/json"]!["schema"]!);

        var session = paths["/connect/sessions"]!["post"]!;
        Assert.Equal(
            ["end_user", "organization", "allowed_integrations", "integrations_config_defaults", "overrides", "webhook_url_override", "tags"],
            Body(session)["properties"]!.AsObject().Select(p => p.Key));
        Assert.Empty(Strings(Body(session)["required"])); // end_user, or tags alone
        Assert.Equal(["token", "connect_link", "expires_at"], Strings(Deref(document, Answer(session, "201")["properties"]!["data"]!)["required"]));
        Assert.Equal(["connection_id", "integration_id"], Strings(Body(paths["/connect/sessions/reconnect"]!["post"]!)["required"]));

        Assert.Empty(Strings(Body(paths["/connections/{connectionId}"]!["patch"]!)["required"]));
        var import = Body(paths["/connections"]!["post"]!);
        Assert.Contains("credentials", Strings(import["required"]));
        Assert.NotNull(import["properties"]!["connection_config"]);
        Assert.NotNull(import["properties"]!["webhook_url_override"]);
        Assert.Contains(
            paths["/connections/{connectionId}"]!["get"]!["parameters"]!.AsArray(),
            p => (string?)p!["name"] == "refresh_github_app_jwt_token" && (string?)p["in"] == "query");
        foreach (var method in new[] { "delete", "patch" })
        {
            // Their parsers refuse GET's parameters (400), so the document does not offer them.
            Assert.Equal(["provider_config_key"], paths["/connections/{connectionId}"]![method]!["parameters"]!.AsArray().Select(p => (string?)p!["name"]));
        }

        var trigger = Body(paths["/sync/trigger"]!["post"]!);
        Assert.Equal(["incremental", "full_refresh", "full_refresh_and_clear_cache"], Strings(Deref(document, trigger["properties"]!["sync_mode"]!)["enum"]));
        Assert.Equal("boolean", (string?)trigger["properties"]!["full_resync"]!["type"]);
        Assert.DoesNotContain("sync_mode", Strings(trigger["required"]));

        var proxy = paths["/proxy/{endpoint}"]!["get"]!;
        var headers = proxy["parameters"]!.AsArray().Where(p => (string?)p!["in"] == "header").ToDictionary(p => (string)p!["name"]!, p => (bool?)p!["required"] == true);
        Assert.Equal(
            new Dictionary<string, bool> { ["Connection-Id"] = true, ["Provider-Config-Key"] = true, ["Retries"] = false, ["Base-Url-Override"] = false, ["Decompress"] = false },
            headers);
        Assert.NotNull(proxy["responses"]!["200"]);

        foreach (var (path, method) in new[] { ("/integrations", "get"), ("/environment-variables", "get"), ("/connections", "get"), ("/connection", "get") })
        {
            Assert.True(paths[path]![method]!["responses"]!["400"] is not null, $"{method} {path} answers 400 to a query it does not take");
        }
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Document_EveryReference_Resolves(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        var document = await FetchAsync(server);

        var references = new List<string>();
        Collect(document, references);

        Assert.NotEmpty(references);
        Assert.All(references, reference => Assert.NotNull(Resolve(document, reference)));
    }

    // The connect flow's browser-facing routes authenticate with a connect session token (or none: the OAuth callback
    // and the SDK's WebSocket), not a secret key.
    private static readonly string[] PublicPaths =
    [
        "/health", "/openapi.json", "/", "/connect/session", "/oauth/connect/{providerConfigKey}", "/oauth/callback",
        "/api-auth/api-key/{providerConfigKey}", "/api-auth/basic/{providerConfigKey}", "/oauth2/auth/{providerConfigKey}",
    ];

    private const string DocumentHeaderBearer = "bearerAuth";

    private static string GoldenPath([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "Golden", "openapi.json");

    /// <summary>The node itself, or the component a <c>$ref</c> points at.</summary>
    private static JsonNode Deref(JsonNode document, JsonNode node) =>
        node["$ref"] is { } reference ? Resolve(document, (string)reference!)! : node;

    private static async Task<JsonNode> FetchAsync(TestServer server)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var response = await http.GetAsync(new Uri("openapi.json", UriKind.Relative), Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!;
    }

    /// <summary>(path, lower-case method) of every route the server maps, as the route table has them.</summary>
    private static List<(string Path, string Method)> MappedRoutes(TestServer server) =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => ("/" + e.RoutePattern.RawText!.TrimStart('/').Replace("{**", "{", StringComparison.Ordinal), m.ToLowerInvariant())))
            .Distinct()
            .ToList();

    private static List<string?> Strings(JsonNode? array) => array is null ? [] : array.AsArray().Select(n => (string?)n).ToList();

    private static void Collect(JsonNode? node, List<string> references)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref")
                    {
                        references.Add((string)value!);
                    }
                    else
                    {
                        Collect(value, references);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, references);
                }

                break;
        }
    }

    private static JsonNode? Resolve(JsonNode document, string reference)
    {
        JsonNode? node = document;
        foreach (var segment in reference.TrimStart('#', '/').Split('/'))
        {
            node = node?[segment];
        }

        return node;
    }
}
