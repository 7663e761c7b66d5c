using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>trigger</c>, <c>status</c> and <c>records</c> against a running server: their tables, their <c>--json</c>, how they exit.</summary>
public sealed class RemoteCommandTests : IClassFixture<RemoteServer>
{
    private readonly RemoteServer _server;

    public RemoteCommandTests(RemoteServer server)
    {
        _server = server;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Trigger_Json_QueuesTheRunAndPrintsTheAnswer()
    {
        var run = await _server.RunAsync("trigger", "demo", "contacts", "--connection", "acme", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var answer = JsonNode.Parse(run.Output)!;
        var runId = (string)answer["runs"]![0]!["run_id"]!;
        using var client = _server.Client();
        var finished = await Eventually.ValueAsync(token => client.GetRunAsync(runId, token), TestServer.IsFinal, TimeSpan.FromSeconds(30), $"run {runId} to finish", Token);
        Assert.Equal("succeeded", (string?)finished!["state"]);
    }

    [Fact]
    public async Task Trigger_Table_ShowsEachRunAndItsOutcome()
    {
        var run = await _server.RunAsync("trigger", "demo", "deals", "--connection", "acme");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"│ \d+ +│ acme +│ deals +│ (queued|coalesced) +│", run.Output);
        Assert.Contains("queued, ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_Json_PrintsTheSyncsOfTheConnection()
    {
        var run = await _server.RunAsync("status", "demo", "--syncs", "contacts", "--connection", "acme", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var syncs = JsonNode.Parse(run.Output)!["syncs"]!.AsArray();
        Assert.Equal("contacts", (string?)Assert.Single(syncs)!["name"]);
    }

    [Fact]
    public async Task Status_Table_HasARowPerSync()
    {
        var run = await _server.RunAsync("status", "demo", "--connection", "acme");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("│ connection", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"│ acme +│ contacts +│ \w+ +│", run.Output);
        Assert.Matches(@"│ acme +│ deals +│ \w+ +│", run.Output);
    }

    [Fact]
    public async Task Records_Json_PagesFollowTheCursor_AndTimestampsKeepTheirPlus()
    {
        await _server.EnsureDealsAsync(Token);

        var first = await _server.RunAsync("records", "demo", "acme", "Deal", "--limit", "2", "--json");
        var cursor = (string?)JsonNode.Parse(first.Output)!["next_cursor"];
        var second = await _server.RunAsync("records", "demo", "acme", "Deal", "--limit", "2", "--cursor", cursor ?? "none", "--json");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(2, JsonNode.Parse(first.Output)!["records"]!.AsArray().Count);
        Assert.NotNull(cursor);
        Assert.True(second.ExitCode == 0, second.ToString());
        var firstIds = JsonNode.Parse(first.Output)!["records"]!.AsArray().Select(r => (string?)r!["id"]);
        var secondIds = JsonNode.Parse(second.Output)!["records"]!.AsArray().Select(r => (string?)r!["id"]);
        Assert.Empty(firstIds.Intersect(secondIds));
        Assert.DoesNotContain("\\u002B", first.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Records_Table_ShowsIdsActionsAndTheNextCursor()
    {
        await _server.EnsureDealsAsync(Token);

        var run = await _server.RunAsync("records", "demo", "acme", "Deal", "--limit", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("│ id", run.Output, StringComparison.Ordinal);
        Assert.Equal(2, run.Output.Split('\n').Count(line => line.Contains("│ ADDED", StringComparison.Ordinal) || line.Contains("│ UPDATED", StringComparison.Ordinal)));
        Assert.Contains("2 record(s). More: --cursor ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trigger_UnknownIntegration_PrintsOneLineWithTheNangoCodeAndExitsApiError()
    {
        var run = await _server.RunAsync("trigger", "nope", "contacts");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Empty(run.Output);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^error: [a-z_]+: .+ \(HTTP 4\d\d\)$", line.TrimEnd('\r'));
    }

    [Fact]
    public async Task Status_WrongKey_ExitsApiErrorWithoutEchoingTheKey()
    {
        var run = await CommandLine.RunAsync(Token, "status", "demo", "--url", _server.Url, "--secret-key", "wrong-key-1234");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.StartsWith("error: ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-1234", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_UnreachableServer_ExitsFailedAndSaysWhere()
    {
        var url = $"http://127.0.0.1:{TestServer.FreePort()}";

        var run = await CommandLine.RunAsync(Token, "records", "demo", "acme", "Deal", "--url", url, "--secret-key", "k");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains($"error: cannot reach {url}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NotAnHttpUrl_ExitsBadInput()
    {
        var run = await CommandLine.RunAsync(Token, "status", "demo", "--url", "ftp://example", "--secret-key", "k");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("is not an http(s) URL", run.Error, StringComparison.Ordinal);
    }
}
