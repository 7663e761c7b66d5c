using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Core.Ports;
using Tributary.Testing;

namespace Tributary.Server.Tests.EndToEnd;

public sealed class ConnectionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task CreateConnection_EncryptsCredentialsAtRestAndCreatesOneSyncPerConfig(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, engine: e => e.RunWorkers = false);

        var created = await server.Client.CreateConnectionAsync(new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "acme",
            ["credentials"] = new JsonObject { ["type"] = "API_KEY", ["apiKey"] = "sk_live_very_secret" },
            ["metadata"] = new JsonObject { ["region"] = "eu" },
        }, Token);
        var fetched = await server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);
        var keys = (IApiKeyStore)server.Services.GetService(typeof(IApiKeyStore))!;
        var connections = (IConnectionStore)server.Services.GetService(typeof(IConnectionStore))!;
        var stored = (await connections.ListAsync((await keys.EnsureEnvironmentAsync("dev", Token)).Id, "acme", Token)).Single();
        var status = await server.Client.StatusAsync("demo", "*", "acme", Token);

        Assert.Equal("acme", (string?)created!["connection_id"]);
        Assert.Equal("sk_live_very_secret", (string?)fetched!["credentials"]!["apiKey"]);
        Assert.Equal("eu", (string?)fetched["metadata"]!["region"]);
        Assert.DoesNotContain("sk_live_very_secret", System.Text.Encoding.UTF8.GetString(stored.EncryptedCredentials), StringComparison.Ordinal);
        Assert.Equal(["contacts", "deals"], status!["syncs"]!.AsArray().Select(s => (string?)s!["name"]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task CreateConnection_BadInput_IsRefusedAndChangesNothing(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, engine: e => e.RunWorkers = false);
        await server.CreateConnectionAsync("acme", null, Token);

        async Task<(int, string)> FailsAsync(JsonObject body)
        {
            var error = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.CreateConnectionAsync(body, Token));
            return (error.Status, error.Code);
        }

        Assert.Equal((400, "invalid_body"), await FailsAsync(new JsonObject { ["provider_config_key"] = "demo" }));
        Assert.Equal((400, "invalid_body"), await FailsAsync(new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "x",
            ["credentials"] = new JsonObject { ["type"] = "TOKEN_OF_MY_OWN" },
        }));
        Assert.Equal((400, "invalid_body"), await FailsAsync(new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "y",
            ["credentials"] = new JsonObject { ["type"] = "API_KEY" },
        }));
        Assert.Equal((404, "not_found"), await FailsAsync(new JsonObject
        {
            ["provider_config_key"] = "nope",
            ["connection_id"] = "z",
            ["credentials"] = new JsonObject { ["type"] = "NONE" },
        }));
        Assert.Equal((409, "duplicate_connection"), await FailsAsync(new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "acme",
            ["credentials"] = new JsonObject { ["type"] = "NONE" },
        }));
        var list = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        Assert.Equal(["acme"], list!["connections"]!.AsArray().Select(c => (string?)c!["connection_id"]));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task DeleteConnection_RemovesItsSyncsRunsAndRecords(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Token);
        await server.CreateConnectionAsync("other", new JsonObject { ["records"] = 5 }, Token);
        await server.WaitForRunAsync(await server.TriggerAsync("acme", "deals", Token), Token);
        await server.WaitForRunAsync(await server.TriggerAsync("other", "deals", Token), Token);

        await server.Client.SendAsync(HttpMethod.Delete, "connections/acme?provider_config_key=demo", null, null, Token);

        var records = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.RecordsAsync("demo", "acme", "Deal", null, 10, Token));
        var status = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.StatusAsync("demo", "*", "acme", Token));
        var runs = await server.Client.SendAsync(HttpMethod.Get, "runs?connection_id=acme", null, null, Token);
        var others = await server.Client.RecordsAsync("demo", "other", "Deal", null, 10, Token);
        Assert.Equal("unknown_connection", records.Code);
        Assert.Equal(400, status.Status);
        Assert.Empty(runs!["runs"]!.AsArray());
        Assert.Equal(5, others!["records"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Metadata_PostReplacesAndPatchMerges_AndTheNextRunSeesIt(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5, ["extra"] = "x" }, Token);

        await server.Client.SendAsync(HttpMethod.Post, "connections/metadata", new JsonObject
        {
            ["connection_id"] = "acme",
            ["provider_config_key"] = "demo",
            ["metadata"] = new JsonObject { ["records"] = 8 },
        }, null, Token);
        await server.Client.SendAsync(HttpMethod.Patch, "connections/metadata", new JsonObject
        {
            ["connection_id"] = "acme",
            ["provider_config_key"] = "demo",
            ["metadata"] = new JsonObject { ["change_rate"] = 0 },
        }, null, Token);
        var fetched = await server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);
        var run = await server.WaitForRunAsync(await server.TriggerAsync("acme", "deals", Token), Token);

        Assert.Equal("""{"records":8,"change_rate":0}""", fetched!["metadata"]!.ToJsonString());
        Assert.Equal(8, (int)run["result"]!["Deal"]!["added"]!);
    }
}
