using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>The server under a path prefix (<c>TributaryServerOptions.PathBase</c>), as the Node client's host may carry one.</summary>
public sealed class PathPrefixTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_UnderNangoPrefix_QueuesTheRun(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, o => o.PathBase = "/nango");
        using var prefixed = new TributaryClient(new Uri(server.BaseUrl, "nango/"), server.SecretKey);
        await prefixed.CreateConnectionAsync(
            new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "acme", ["credentials"] = new JsonObject { ["type"] = "NONE" } },
            Token);

        var answer = await prefixed.TriggerAsync(
            new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "acme", ["syncs"] = new JsonArray("contacts") },
            Token);
        var run = await prefixed.GetRunAsync((string)answer!["runs"]![0]!["run_id"]!, Token);
        var document = await prefixed.SendAsync(HttpMethod.Get, "openapi.json", null, null, Token);

        Assert.True((bool)answer["success"]!);
        Assert.Equal("queued", (string?)answer["runs"]![0]!["outcome"]);
        Assert.Equal("queued", (string?)run!["state"]);
        Assert.Equal("/nango", (string?)document!["servers"]![0]!["url"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task UnprefixedPath_WithAPathBase_IsNotFound(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, o => o.PathBase = "/nango");

        var unprefixed = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "connections", null, Token);
        var health = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "health", null, Token);
        var prefixed = await ApiTestServer.SendRawAsync(server, HttpMethod.Get, "nango/connections", null, Token);

        Assert.Equal(404, unprefixed.Status);
        Assert.Equal(404, health.Status);
        Assert.Equal(200, prefixed.Status);
    }
}
