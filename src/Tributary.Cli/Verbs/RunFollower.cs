using Spectre.Console;
using Tributary.Client;

namespace Tributary.Cli.Verbs;

/// <summary>
/// Follows runs until each is over: a live line (state, records per model, elapsed) on a terminal, one line per change
/// of state or counts elsewhere (a pipe, a CI log: at most one per poll), then the final table or JSON. The exit code
/// says whether every run succeeded.
/// </summary>
internal static class RunFollower
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static async Task<int> FollowAsync(RemoteCall call, IReadOnlyList<string> ids, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var latest = new Dictionary<string, RunResponse>(StringComparer.Ordinal);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        var timedOut = false;
        try
        {
            if (call.Console.Profile.Capabilities.Interactive && !call.Json)
            {
                await call.Console.Status().StartAsync("waiting", async context =>
                    await PollAsync(call.Client, ids, latest, () => context.Status(Markup.Escape(Line(latest.Values, started))), deadline.Token));
            }
            else
            {
                var printed = new Dictionary<string, string>(StringComparer.Ordinal);
                await PollAsync(call.Client, ids, latest, () => PrintChanges(call, latest.Values, printed, started), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            timedOut = true;
        }

        var runs = ids.Where(latest.ContainsKey).Select(id => latest[id]).ToList();
        if (call.Json)
        {
            await call.Output.WriteLineAsync(JsonOutput.Write(new RunListResponse(runs, null), c => c.RunListResponse));
        }
        else
        {
            call.Console.Write(RunView.Table(runs));
        }

        if (timedOut)
        {
            await call.Error.WriteLineAsync($"error: wait_timeout: the run(s) did not end within {RunView.Seconds(limit)}; they go on (see `tributary runs show ID`).");
            return ExitCodes.WaitTimedOut;
        }

        var failed = runs.Where(r => r.State != "succeeded").ToList();
        foreach (var run in failed)
        {
            await call.Error.WriteLineAsync($"error: run_{run.State}: run {run.Id} ({RunView.Sync(run)} on {run.ConnectionId}) {run.State}: {run.Error ?? "no error recorded"}");
        }

        return failed.Count == 0 ? ExitCodes.Ok : ExitCodes.RunFailed;
    }

    /// <summary>Reads every unfinished run until all are over; the caller's token bounds it in time.</summary>
    private static async Task PollAsync(TributaryClient client, IReadOnlyList<string> ids, Dictionary<string, RunResponse> latest, Action report, CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var id in ids.Where(id => !latest.TryGetValue(id, out var run) || !RunsClient.IsFinal(run.State)))
            {
                latest[id] = await client.Runs.GetAsync(id, cancellationToken);
            }

            report();
            if (ids.All(id => RunsClient.IsFinal(latest[id].State)))
            {
                return;
            }

            await Task.Delay(PollInterval, TimeProvider.System, cancellationToken);
        }
    }

    private static string Line(IEnumerable<RunResponse> runs, long started)
    {
        var elapsed = RunView.Seconds(TimeProvider.System.GetElapsedTime(started));
        var parts = runs.Select(r => $"run {r.Id} {r.State}: {RunView.Counts(r.Result)}");
        return $"{string.Join(" | ", parts)} ({elapsed})";
    }

    private static void PrintChanges(RemoteCall call, IEnumerable<RunResponse> runs, Dictionary<string, string> printed, long started)
    {
        foreach (var run in runs)
        {
            // A run's counts are saved with each batch it writes, so a running run's line grows as it goes.
            var progress = $"{run.State}: {RunView.Counts(run.Result)}";
            if (printed.TryGetValue(run.Id, out var last) && last == progress)
            {
                continue;
            }

            printed[run.Id] = progress;
            var line = $"run {run.Id} {progress} ({RunView.Seconds(TimeProvider.System.GetElapsedTime(started))})";

            // With --json the progress goes to stderr, so stdout stays one JSON document.
            if (call.Json)
            {
                call.Error.WriteLine(line);
            }
            else
            {
                call.Console.WriteLine(line);
            }
        }
    }
}
