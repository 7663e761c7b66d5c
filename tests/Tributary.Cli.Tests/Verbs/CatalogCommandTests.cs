using System.Text.Json.Nodes;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>connections</c>, <c>integrations</c> and <c>open</c>: their tables (or line) and their <c>--json</c>.</summary>
public sealed class CatalogCommandTests : IClassFixture<RemoteServer>
{
    private readonly RemoteServer _server;

    public CatalogCommandTests(RemoteServer server)
    {
        _server = server;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Connections_Table_HasARowPerConnection()
    {
        var run = await _server.RunAsync("connections");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("│ connection", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"│ acme +│ demo +│ sample-data +│ \d{4}-\d\d-\d\dT[^│]+│ 0 +│ \{""records"":12\} +│", run.Output);
        Assert.Matches(@"│ slow +│ demo +│", run.Output);
    }

    [Fact]
    public async Task Connections_Json_IsNangosListBody()
    {
        var run = await _server.RunAsync("connections", "--integration", "demo", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var connections = JsonNode.Parse(run.Output)!["connections"]!.AsArray();
        Assert.Contains(connections, c => (string?)c!["connection_id"] == "acme");
        Assert.All(connections, c => Assert.Equal("demo", (string?)c!["provider_config_key"]));
    }

    [Fact]
    public async Task Connections_Limit_PrintsTheCursorOfTheNextPage()
    {
        var first = await _server.RunAsync("connections", "--limit", "1", "--json");
        var cursor = (string?)JsonNode.Parse(first.Output)!["next_cursor"];
        var table = await _server.RunAsync("connections", "--limit", "1");

        Assert.NotNull(cursor);
        Assert.Contains($"More: --cursor {cursor}", table.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Integrations_TableAndJson_ShowTheDemoIntegration()
    {
        var table = await _server.RunAsync("integrations");
        var json = await _server.RunAsync("integrations", "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"│ demo +│ demo +│ sample-data +│", table.Output);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("demo", (string?)JsonNode.Parse(json.Output)!["data"]![0]!["unique_key"]);
    }

    [Fact]
    public async Task Open_Print_PrintsTheDashboardUrl_AndJsonSaysWhetherItOpened()
    {
        var line = await CommandLine.RunAsync(Token, "open", "--url", "http://127.0.0.1:3999/", "--print");
        var json = await CommandLine.RunAsync(Token, "open", "--url", "http://127.0.0.1:3999/nango", "--print", "--json");

        Assert.True(line.ExitCode == 0, line.ToString());
        Assert.Equal("http://127.0.0.1:3999/dashboard", line.Output.Trim());
        var body = JsonNode.Parse(json.Output)!;
        Assert.Equal("http://127.0.0.1:3999/nango/dashboard", (string?)body["url"]);
        Assert.False((bool)body["opened"]!);
    }

    [Fact]
    public async Task Open_NotAnHttpUrl_ExitsBadInput()
    {
        var run = await CommandLine.RunAsync(Token, "open", "--url", "file:///etc/passwd");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("is not an http(s) URL", run.Error, StringComparison.Ordinal);
    }
}
