using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Client;

/// <summary><see cref="TributaryClient"/> against a real server: each call's request, the answer and the error shape.</summary>
public sealed class TributaryClientTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Calls_CreateTriggerWaitStatusAndPageRecords()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        var client = server.Client;

        var connection = await client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "demo",
                ["connection_id"] = "acme",
                ["credentials"] = new JsonObject { ["type"] = "NONE" },
                ["metadata"] = new JsonObject { ["records"] = 5 },
            },
            Token);
        var trigger = await client.TriggerAsync(new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "acme", ["syncs"] = new JsonArray("deals") }, Token);
        var run = await server.WaitForRunAsync((string)trigger!["runs"]![0]!["run_id"]!, Token);
        var status = await client.StatusAsync("demo", "deals", "acme", Token);
        var first = await client.RecordsAsync("demo", "acme", "Deal", null, 3, Token);
        var rest = await client.RecordsAsync("demo", "acme", "Deal", (string?)first!["next_cursor"], null, Token);
        var viaSend = await client.SendAsync(HttpMethod.Get, "records?model=Deal", null, new() { ["Connection-Id"] = "acme", ["Provider-Config-Key"] = "demo" }, Token);

        Assert.Equal("acme", (string?)connection!["connection_id"]);
        Assert.Equal("succeeded", (string?)run["state"]);
        Assert.Equal("deals", (string?)status!["syncs"]![0]!["name"]);
        Assert.Equal(3, first["records"]!.AsArray().Count);
        Assert.Equal(2, rest!["records"]!.AsArray().Count);
        Assert.Null((string?)rest["next_cursor"]);
        Assert.Equal(5, viaSend!["records"]!.AsArray().Count);
    }

    [Fact]
    public async Task ErrorAnswer_ThrowsWithTheStatusTheNangoCodeAndTheBody()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);

        var error = await Assert.ThrowsAsync<TributaryApiException>(() =>
            server.Client.TriggerAsync(new JsonObject { ["provider_config_key"] = "nope", ["syncs"] = new JsonArray("deals") }, Token));
        var body = JsonNode.Parse(error.Body)!;

        Assert.InRange(error.Status, 400, 499);
        Assert.Equal((string?)body["error"]!["code"], error.Code);
        Assert.StartsWith($"{error.Status} {error.Code}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_Throws401_AndABodyThatIsNotNangosKeepsItsText()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        using var stranger = new TributaryClient(server.BaseUrl, "not-a-key");

        var unauthorized = await Assert.ThrowsAsync<TributaryApiException>(() => stranger.StatusAsync("demo", "*", null, Token));
        var missing = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Get, "no/such/path", null, null, Token));

        Assert.Equal(401, unauthorized.Status);
        Assert.Equal(404, missing.Status);
        Assert.Equal("http_error", missing.Code);
    }

    [Fact]
    public async Task Dispose_LeavesAGivenHttpClientOpen_AndTheBaseAddressMayLackItsSlash()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        using var http = new HttpClient();
        var bare = new Uri(server.BaseUrl.ToString().TrimEnd('/'));

        using (var borrowed = new TributaryClient(bare, server.SecretKey, http))
        {
            Assert.NotNull(await borrowed.StatusAsync("demo", "*", null, Token));
        }

        using var health = await http.GetAsync(new Uri(server.BaseUrl, "health"), Token);
        Assert.True(health.IsSuccessStatusCode);
    }
}
