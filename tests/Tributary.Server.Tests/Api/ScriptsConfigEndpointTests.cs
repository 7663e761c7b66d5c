using System.Text.Json;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tributary.Client;
using Tributary.Core.Configuration;
using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Core.Services;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary><c>GET /scripts/config</c> as Nango's <c>getPublicScriptsConfig</c> answers it, from what tributary.yaml deployed.</summary>
public sealed class ScriptsConfigEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Deployed = new(2026, 12, 7, 10, 11, 12, 345, TimeSpan.Zero);

    /// <summary>Two integrations of one provider (Nango would merge them), one without syncs, syncs of every kind of setting.</summary>
    private const string Config = """
        integrations:
          demo:
            provider: sample-data
            syncs:
              contacts:
                function: sample-data
                models: [Contact, Company]
                frequency: every 1h
                auto_start: false
                sync_type: full
                track_deletes: true
              deals:
                function: sample-data
                models: [Deal]
                frequency: every 30 minutes
          zeta:
            provider: sample-data
            syncs:
              alpha:
                function: sample-data
                models: [Deal]
                frequency: every day
          idle:
            provider: sample-data
        """;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ScriptsConfig_ListsEachIntegrationsDeployedSyncs_InNangosShapeAndOrder_AndNotARemovedOne(TestDialect dialect)
    {
        var time = new FakeTimeProvider(Deployed);
        await using var server = await ApiTestServer.StartAsync(dialect, Token, config: Config, time: time);

        var configs = (await server.Client.SendAsync(HttpMethod.Get, "scripts/config", null, null, Token))!.AsArray();

        // Integrations in the order of their first sync's name (Nango's rows come by sync name), each its own entry.
        Assert.Equal(["zeta", "demo"], configs.Select(c => (string?)c!["providerConfigKey"]));
        var demo = configs[1]!.AsObject();
        Assert.Equal(["actions", "providerConfigKey", "provider", "syncs", "on-events"], demo.Select(p => p.Key));
        Assert.Equal(("sample-data", "[]", "[]"), ((string?)demo["provider"], demo["actions"]!.ToJsonString(), demo["on-events"]!.ToJsonString()));
        Assert.Equal(["contacts", "deals"], demo["syncs"]!.AsArray().Select(s => (string?)s!["name"]));

        var contacts = demo["syncs"]![0]!.AsObject();
        Assert.Equal(
            ["id", "name", "type", "returns", "description", "attributes", "scopes", "version", "is_public", "pre_built", "endpoints",
                "enabled", "models", "last_deployed", "webhookSubscriptions", "json_schema", "sync_type", "auto_start", "runs", "track_deletes"],
            contacts.Select(p => p.Key));
        Assert.Equal(JsonValueKind.Number, contacts["id"]!.GetValueKind());
        Assert.Equal(
            """{"type":"sync","returns":["Contact","Company"],"description":"","attributes":{},"scopes":[],"version":null,"is_public":false,"pre_built":false,"endpoints":[],"enabled":true,"models":[],"last_deployed":"2026-12-07T10:11:12.345Z","webhookSubscriptions":[],"json_schema":null,"sync_type":"full","auto_start":false,"runs":"every 1h","track_deletes":true}""",
            Without(contacts, "id", "name"));
        var deals = demo["syncs"]![1]!;
        Assert.Equal(("incremental", true, "every 30 minutes", false), ((string?)deals["sync_type"], (bool)deals["auto_start"]!, (string?)deals["runs"], (bool)deals["track_deletes"]!));

        // A deploy without "deals" disables it: it is no longer listed, and its last_deployed moves with the deploy.
        time.Advance(TimeSpan.FromMinutes(5));
        var tenant = await server.Services.GetRequiredService<ApiKeyService>().EnsureEnvironmentAsync("dev", Token);
        var withoutDeals = Config.Replace("""
                  deals:
                    function: sample-data
                    models: [Deal]
                    frequency: every 30 minutes

            """, "", StringComparison.Ordinal);
        Assert.NotEqual(Config, withoutDeals);
        await server.Services.GetRequiredService<DeploymentService>().DeployAsync(tenant, ConfigLoader.Parse(withoutDeals, "tributary.yaml"), Token);
        var after = (await server.Client.SendAsync(HttpMethod.Get, "scripts/config", null, null, Token))!.AsArray();

        Assert.Equal(["contacts"], after[1]!["syncs"]!.AsArray().Select(s => (string?)s!["name"]));
        Assert.Equal("2026-12-07T10:16:12.345Z", (string?)after[1]!["syncs"]![0]!["last_deployed"]);

        // A deploy that no longer names an integration disables its syncs too; naming it again brings them back.
        var withoutZeta = withoutDeals[..withoutDeals.IndexOf("  zeta:", StringComparison.Ordinal)];
        await server.Services.GetRequiredService<DeploymentService>().DeployAsync(tenant, ConfigLoader.Parse(withoutZeta, "tributary.yaml"), Token);
        var withoutIntegration = (await server.Client.SendAsync(HttpMethod.Get, "scripts/config", null, null, Token))!.AsArray();
        await server.Services.GetRequiredService<DeploymentService>().DeployAsync(tenant, ConfigLoader.Parse(Config, "tributary.yaml"), Token);
        var restored = (await server.Client.SendAsync(HttpMethod.Get, "scripts/config", null, null, Token))!.AsArray();

        Assert.Equal(["demo"], withoutIntegration.Select(c => (string?)c!["providerConfigKey"]));
        Assert.Equal(["zeta", "demo"], restored.Select(c => (string?)c!["providerConfigKey"]));
        Assert.Equal((string?)configs[0]!["syncs"]![0]!["id"]!.ToJsonString(), (string?)restored[0]!["syncs"]![0]!["id"]!.ToJsonString());
    }

    [Fact]
    public async Task ScriptsConfig_OpenAIFormat_IsOneFunctionASync_AndABadFormatIsRefused()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token, config: Config);

        var openai = await server.Client.SendAsync(HttpMethod.Get, "scripts/config?format=openai", null, null, Token);
        var nango = await server.Client.SendAsync(HttpMethod.Get, "scripts/config?format=nango&provider_config_key=demo", null, null, Token);
        var bad = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Get, "scripts/config?format=OpenAI", null, null, Token));

        Assert.Equal(
            """{"name":"alpha","description":"Execute the alpha sync for sample-data","parameters":{"type":"object","properties":{},"required":[]}}""",
            openai!["data"]![0]!.ToJsonString());
        Assert.Equal(["alpha", "contacts", "deals"], openai["data"]!.AsArray().Select(f => (string?)f!["name"]));

        // Other keys are ignored, as Nango's: the whole environment's config.
        Assert.Equal(2, nango!.AsArray().Count);
        Assert.Equal((400, "invalid_query_params"), (bad.Status, bad.Code));
        Assert.Contains("format", bad.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptsConfig_OfAnEnvironmentWithoutSyncs_IsEmpty_InTheShapeItsFormatNames()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        var control = server.Services.GetRequiredService<IApiKeyStore>();
        var staging = await control.EnsureEnvironmentAsync("staging", Token);
        var secret = ApiKeys.NewSecret();
        await control.CreateApiKeyAsync(staging.Id, ApiKeys.Hash(secret), "staging", [ApiKeys.AllScopes], Token);
        using var client = new TributaryClient(server.BaseUrl, secret);

        var nango = await client.SendAsync(HttpMethod.Get, "scripts/config", null, null, Token);
        var openai = await client.SendAsync(HttpMethod.Get, "scripts/config?format=openai", null, null, Token);

        // Nango answers [] for both formats here; the OpenAI form keeps its envelope (docs/api.md, Differences).
        Assert.Equal("[]", nango!.ToJsonString());
        Assert.Equal("""{"data":[]}""", openai!.ToJsonString());
    }

    [Theory]
    [InlineData("application/json", 200)]
    [InlineData("text/plain", 415)]
    public async Task ScriptsConfig_TakesTheNodeClientsJsonContentTypeWithoutABody_AndRefusesAnother(string contentType, int status)
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "scripts/config") { Content = new ByteArrayContent([]) };
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {server.SecretKey}");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await http.SendAsync(request, Token);

        Assert.Equal(status, (int)response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Token))!;
        Assert.Equal(status == 200 ? "demo" : "invalid_content_type", status == 200 ? (string?)body[0]!["providerConfigKey"] : (string?)body["error"]!["code"]);
    }

    [Fact]
    public async Task ScriptsConfig_NeedsAnIntegrationsReadScope_NangosListFunctionsScopeGrantsIt()
    {
        await using var server = await ApiTestServer.StartAsync(TestDialect.Sqlite, Token);
        using var nango = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:integrations:list_functions");
        using var other = await ApiTestServer.ClientWithScopesAsync(server, Token, "environment:connections:read");

        var allowed = await nango.SendAsync(HttpMethod.Get, "scripts/config", null, null, Token);
        var refused = await Assert.ThrowsAsync<TributaryApiException>(() => other.SendAsync(HttpMethod.Get, "scripts/config", null, null, Token));

        Assert.Equal("demo", (string?)allowed![0]!["providerConfigKey"]);
        Assert.Equal(((int)HttpStatusCode.Forbidden, "Insufficient scope. Required: environment:integrations:read"), (refused.Status, refused.ErrorMessage()));
    }

    private static string Without(JsonObject source, params string[] keys)
    {
        var copy = JsonNode.Parse(source.ToJsonString())!.AsObject();
        foreach (var key in keys)
        {
            copy.Remove(key);
        }

        return copy.ToJsonString();
    }
}
