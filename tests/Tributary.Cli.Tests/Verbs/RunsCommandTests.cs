using System.Text.Json.Nodes;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>runs</c>, <c>runs show</c> and <c>runs cancel</c>: their tables and their <c>--json</c>.</summary>
public sealed class RunsCommandTests : IClassFixture<RemoteServer>
{
    private readonly RemoteServer _server;

    public RunsCommandTests(RemoteServer server)
    {
        _server = server;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Runs_Json_ListsTheRunsOfTheConnection()
    {
        await _server.EnsureDealsAsync(Token);

        var run = await _server.RunAsync("runs", "--connection", "acme", "--sync", "deals", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var runs = JsonNode.Parse(run.Output)!["runs"]!.AsArray();
        Assert.NotEmpty(runs);
        Assert.All(runs, r => Assert.Equal("deals", (string?)r!["sync"]));
        Assert.DoesNotContain("\\u002B", run.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Runs_Table_HasARowPerRunWithItsCounts()
    {
        await _server.EnsureDealsAsync(Token);

        var run = await _server.RunAsync("runs", "--sync", "deals", "--state", "succeeded");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("│ run", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"│ \d+ +│ demo +│ acme +│ deals +│ succeeded +│ Deal \+\d+ ~\d+ -\d+ +│", run.Output);
    }

    [Fact]
    public async Task Show_TableAndJson_DescribeTheSameRun()
    {
        await _server.EnsureDealsAsync(Token);
        var id = await LatestDealsRunAsync();

        var table = await _server.RunAsync("runs", "show", id);
        var json = await _server.RunAsync("runs", "show", id, "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches($@"│ id +│ {id} +│", table.Output);
        Assert.Matches(@"│ state +│ succeeded +│", table.Output);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(id, (string?)JsonNode.Parse(json.Output)!["id"]);
        Assert.Equal("succeeded", (string?)JsonNode.Parse(json.Output)!["state"]);
    }

    [Fact]
    public async Task Cancel_ARunThatWouldTakeMinutes_ShowsItCancelled_InTableAndJson()
    {
        var first = await QueueAsync();
        var table = await _server.RunAsync("runs", "cancel", first);
        var second = await QueueAsync();
        var json = await _server.RunAsync("runs", "cancel", second, "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches($@"│ id +│ {first} +│", table.Output);
        Assert.Matches(@"│ state +│ cancelled +│", table.Output);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal("cancelled", (string?)JsonNode.Parse(json.Output)!["state"]);
    }

    [Fact]
    public async Task Show_UnknownRun_ExitsApiErrorWithTheNangoCode()
    {
        var run = await _server.RunAsync("runs", "show", "999999");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Matches(@"^error: [a-z_]+: .+ \(HTTP 404\)", run.Error);
    }

    private async Task<string> LatestDealsRunAsync()
    {
        var list = await _server.RunAsync("runs", "--sync", "deals", "--state", "succeeded", "--limit", "1", "--json");
        return (string)JsonNode.Parse(list.Output)!["runs"]![0]!["id"]!;
    }

    private async Task<string> QueueAsync()
    {
        var trigger = await _server.RunAsync("trigger", "demo", "contacts", "--connection", RemoteServer.SlowConnection, "--json");
        return (string)JsonNode.Parse(trigger.Output)!["runs"]![0]!["run_id"]!;
    }
}
