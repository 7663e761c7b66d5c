using System.Text.Json.Nodes;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>trigger --wait</c>: follows the runs to their end and says by its exit code how they ended.</summary>
public sealed class TriggerWaitTests : IClassFixture<RemoteServer>
{
    private readonly RemoteServer _server;

    public TriggerWaitTests(RemoteServer server)
    {
        _server = server;
    }

    [Fact]
    public async Task Wait_ASucceedingRun_PrintsProgressAndTheFinalTable_AndExitsOk()
    {
        var run = await _server.RunAsync("trigger", "demo", "contacts", "--connection", "acme", "--wait");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Matches(@"run \d+ (queued|running|succeeded): .* \(\d+\.\d s\)", run.Output);
        Assert.Matches(@"│ \d+ +│ demo +│ acme +│ contacts +│ succeeded +│ Company \+\d+ ~\d+ -\d+, Contact \+\d+ ~\d+ -\d+, Deal \+\d+ ~\d+ -\d+ +│", run.Output);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Wait_ARunningRun_PrintsItsCountsAsTheyGrow()
    {
        var run = await _server.RunAsync("trigger", "demo", "deals", "--connection", RemoteServer.SteadyConnection, "--wait");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());

        // The progress lines while the run was running, in order: its Deal count grows with each batch it saved.
        var added = System.Text.RegularExpressions.Regex.Matches(run.Output, @"run \d+ running: Deal \+(\d+) ~\d+ -\d+ \(\d+\.\d s\)")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        Assert.True(added.Count >= 2, $"expected at least two progress lines while running:\n{run.Output}");
        Assert.Equal(added.Order().ToList(), added);
        Assert.True(added[^1] > added[0], $"the counts did not grow:\n{run.Output}");
        Assert.Matches(@"run \d+ succeeded: Deal \+5 ~0 -0", run.Output);
    }

    [Fact]
    public async Task Wait_Json_PrintsTheFinalRunsOnStdoutAndProgressOnStderr()
    {
        var run = await _server.RunAsync("trigger", "demo", "deals", "--connection", "acme", "--wait", "--json");

        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        var final = Assert.Single(JsonNode.Parse(run.Output)!["runs"]!.AsArray());
        Assert.Equal("succeeded", (string?)final!["state"]);
        Assert.Matches(@"run \d+ succeeded: Deal \+\d+", run.Error);
    }

    [Fact]
    public async Task Wait_AFailingRun_ExitsRunFailedWithTheRunsError()
    {
        var run = await _server.RunAsync("trigger", "demo", "deals", "--connection", RemoteServer.FailingConnection, "--wait");

        Assert.True(run.ExitCode == ExitCodes.RunFailed, run.ToString());
        Assert.Matches(@"│ broken +│ deals +│ failed +│", run.Output);
        Assert.Matches(@"error: run_failed: run \d+ \(deals on broken\) failed: .*fail_after_batches", run.Error);
    }

    [Fact]
    public async Task Wait_PastTheTimeout_ExitsWaitTimedOut_AndTheRunGoesOn()
    {
        var run = await _server.RunAsync("trigger", "demo", "deals", "--connection", RemoteServer.SlowConnection, "--wait", "--timeout", "1");

        Assert.True(run.ExitCode == ExitCodes.WaitTimedOut, run.ToString());
        Assert.Contains("error: wait_timeout:", run.Error, StringComparison.Ordinal);
        var id = System.Text.RegularExpressions.Regex.Match(run.Output, @"│ (\d+) +│ demo +│ slow").Groups[1].Value;
        var cancel = await _server.RunAsync("runs", "cancel", id, "--json");
        Assert.Equal("cancelled", (string?)JsonNode.Parse(cancel.Output)!["state"]);
    }
}
