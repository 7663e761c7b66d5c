using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>trigger</c>, <c>status</c> and <c>records</c> against a running server: what they print and how they exit.</summary>
public sealed class RemoteCommandTests : IClassFixture<RemoteServer>
{
    private readonly RemoteServer _server;

    public RemoteCommandTests(RemoteServer server)
    {
        _server = server;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Trigger_QueuesTheRunAndPrintsTheAnswer()
    {
        var run = await RemoteAsync("trigger", "demo", "contacts", "--connection", "acme");

        Assert.True(run.ExitCode == 0, run.ToString());
        var answer = JsonNode.Parse(run.Output)!;
        var runId = (string)answer["runs"]![0]!["run_id"]!;
        using var client = _server.Client();
        var finished = await Eventually.ValueAsync(token => client.GetRunAsync(runId, token), TestServer.IsFinal, TimeSpan.FromSeconds(30), $"run {runId} to finish", Token);
        Assert.Equal("succeeded", (string?)finished!["state"]);
    }

    [Fact]
    public async Task Status_PrintsTheSyncsOfTheConnection()
    {
        var run = await RemoteAsync("status", "demo", "--syncs", "contacts", "--connection", "acme");

        Assert.True(run.ExitCode == 0, run.ToString());
        var syncs = JsonNode.Parse(run.Output)!["syncs"]!.AsArray();
        Assert.Equal("contacts", (string?)Assert.Single(syncs)!["name"]);
    }

    [Fact]
    public async Task Records_PrintsPagesThatFollowTheCursor()
    {
        using var client = _server.Client();
        await client.TriggerAsync(new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "acme", ["syncs"] = new JsonArray("deals") }, Token);
        await Eventually.ValueAsync(
            async token => (await client.RecordsAsync("demo", "acme", "Deal", null, 100, token))!["records"]!.AsArray().Count,
            count => count > 2,
            TimeSpan.FromSeconds(30),
            "the deals run to write more than two Deal records",
            Token);

        var first = await RemoteAsync("records", "demo", "acme", "Deal", "--limit", "2");
        var cursor = (string?)JsonNode.Parse(first.Output)!["next_cursor"];
        var second = await RemoteAsync("records", "demo", "acme", "Deal", "--limit", "2", "--cursor", cursor ?? "none");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(2, JsonNode.Parse(first.Output)!["records"]!.AsArray().Count);
        Assert.NotNull(cursor);
        Assert.True(second.ExitCode == 0, second.ToString());
        var firstIds = JsonNode.Parse(first.Output)!["records"]!.AsArray().Select(r => (string?)r!["id"]);
        var secondIds = JsonNode.Parse(second.Output)!["records"]!.AsArray().Select(r => (string?)r!["id"]);
        Assert.Empty(firstIds.Intersect(secondIds));
    }

    [Fact]
    public async Task Trigger_UnknownIntegration_PrintsTheApiErrorAndExitsApiError()
    {
        var run = await RemoteAsync("trigger", "nope", "contacts");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains("\"code\":", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_WrongKey_ExitsApiErrorWithoutEchoingTheKey()
    {
        var run = await CommandLine.RunAsync(Token, "status", "demo", "--url", _server.Url, "--secret-key", "wrong-key-1234");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.DoesNotContain("wrong-key-1234", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_UnreachableServer_ExitsFailedAndSaysWhere()
    {
        var url = $"http://127.0.0.1:{TestServer.FreePort()}";

        var run = await CommandLine.RunAsync(Token, "records", "demo", "acme", "Deal", "--url", url, "--secret-key", "k");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Contains($"Cannot reach {url}", run.Error, StringComparison.Ordinal);
    }

    private Task<CommandRun> RemoteAsync(params string[] args) =>
        CommandLine.RunAsync(Token, [.. args, "--url", _server.Url, "--secret-key", _server.SecretKey]);
}
