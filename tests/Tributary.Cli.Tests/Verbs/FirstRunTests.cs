using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Verbs;

/// <summary>A first <c>serve</c> with no <c>tributary.yaml</c>: the demo connection is there and syncing, no other command needed.</summary>
public sealed class FirstRunTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serve_WithoutAConfig_RecordsOfTheDemoConnectionArePrintedWithinSeconds()
    {
        using var folder = new TempFolder(config: null);
        await using var server = await ServeInProcess.StartAsync(folder.DataDir, folder.ConfigPath, Token);

        var run = await Eventually.ValueAsync(
            _ => CommandLine.RunAsync(Token, "records", "demo", "demo-connection", "Contact", "--url", server.BaseUrl.ToString(), "--secret-key", server.SecretKey, "--json"),
            r => r.ExitCode == 0 && JsonNode.Parse(r.Output)!["records"]!.AsArray().Count > 0,
            TimeSpan.FromSeconds(10),
            "the seeded demo-connection's first run to write Contact records",
            Token);
        var table = await CommandLine.RunAsync(Token, "records", "demo", "demo-connection", "Contact", "--limit", "3", "--url", server.BaseUrl.ToString(), "--secret-key", server.SecretKey);

        Assert.NotEmpty(JsonNode.Parse(run!.Output)!["records"]!.AsArray());
        Assert.Contains("3 record(s). More: --cursor", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_WithAConfig_OrWithConnections_SeedsNothing()
    {
        using var configured = new TempFolder();
        await using (var server = await ServeInProcess.StartAsync(configured.DataDir, configured.ConfigPath, Token))
        {
            using var client = server.Client();
            var list = await client.Connections.ListAsync(null, Token);
            Assert.Empty(list.Connections);
        }

        using var demo = new TempFolder(config: null);
        await using (var first = await ServeInProcess.StartAsync(demo.DataDir, demo.ConfigPath, Token))
        {
            using var client = first.Client();
            await client.Connections.DeleteAsync("demo-connection", "demo", Token);
            await client.Connections.CreateAsync(new Contracts.ConnectionCreateRequest("demo", "mine", new JsonObject { ["type"] = "NONE" }, null), Token);
        }

        await using var second = await ServeInProcess.StartAsync(demo.DataDir, demo.ConfigPath, Token);
        using var again = second.Client();
        var connections = await again.Connections.ListAsync(null, Token);
        Assert.Equal(["mine"], connections.Connections.Select(c => c.ConnectionId));
    }
}
