using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>tributary logs</c> against a running server: one printed line per log line; <c>--follow</c> stops when the run's log is done.</summary>
public sealed class LogsCommandTests : IClassFixture<RemoteServer>
{
    private readonly RemoteServer _server;

    public LogsCommandTests(RemoteServer server)
    {
        _server = server;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logs_OfAFinishedRun_PrintsItsLinesOldestFirst()
    {
        var runId = await TriggerAsync();
        using var client = _server.Client();
        await Eventually.ValueAsync(token => client.GetRunAsync(runId, token), TestServer.IsFinal, TimeSpan.FromSeconds(30), $"run {runId} to finish", Token);

        var run = await RemoteAsync("logs", runId);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\S+ INFO  engine   Claimed: attempt 1 \(trigger: ", lines[0]);
        Assert.Contains(lines, l => l.Contains("function ", StringComparison.Ordinal) && l.Contains("sample-data generation", StringComparison.Ordinal));
        Assert.Contains("Succeeded: ", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsFollow_OfARunJustTriggered_PrintsUntilTheRunEndsThenExits()
    {
        var runId = await TriggerAsync();

        var run = await RemoteAsync("logs", runId, "--follow");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Claimed: attempt 1", run.Output, StringComparison.Ordinal);
        Assert.Contains("Succeeded: ", run.Output.TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
        using var client = _server.Client();
        Assert.Equal("succeeded", (string?)(await client.GetRunAsync(runId, Token))!["state"]);
    }

    [Fact]
    public async Task Logs_OfAnUnknownRun_PrintsTheApiErrorAndExitsApiError()
    {
        var run = await RemoteAsync("logs", "987654321");

        Assert.Equal(ExitCodes.ApiError, run.ExitCode);
        Assert.StartsWith("error: not_found: ", run.Error, StringComparison.Ordinal);
    }

    private async Task<string> TriggerAsync()
    {
        using var client = _server.Client();
        var answer = await client.TriggerAsync(
            new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "acme", ["syncs"] = new JsonArray("deals") },
            Token);
        return (string)answer!["runs"]![0]!["run_id"]!;
    }

    private Task<CommandRun> RemoteAsync(params string[] args) =>
        CommandLine.RunAsync(Token, [.. args, "--url", _server.Url, "--secret-key", _server.SecretKey]);
}
