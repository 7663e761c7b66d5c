using System.Diagnostics;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B1 and B2: from the moment the trigger request is sent to the first line of the sync function, read from the
/// probe datagram. Triggers are sequential and each waits for its run to finish, so none queues behind the last.
/// </summary>
/// <remarks>
/// A trigger the server refuses (an error answer) counts as a sample of the time the caller waited for nothing,
/// so failures raise the percentiles instead of vanishing from them.
/// </remarks>
internal static class LatencyScenario
{
    private const int WarmUp = 5;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    public static async Task IdleAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var round = await MeasureAsync(context, api, context.Profile.IdleTriggers, WarmUp, cancellationToken);
        var note = round.Problems;
        context.Results.Set(FigureCatalog.B1P50, Stats.Percentile(round.Samples, 50), round.Samples.Count, note);
        context.Results.Set(FigureCatalog.B1P99, Stats.Percentile(round.Samples, 99), round.Samples.Count, note);
        context.Results.Set(FigureCatalog.B1Max, Stats.Max(round.Samples), round.Samples.Count, note);
        context.Info($"B1 idle: p50 {Stats.Percentile(round.Samples, 50):0.00} ms, p99 {Stats.Percentile(round.Samples, 99):0.00} ms over {round.Samples.Count}");
    }

    public static async Task LoadedAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var profile = context.Profile;
        var loadRuns = new List<string>();
        var refused = 0;
        try
        {
            for (var i = 0; i < profile.LoadSyncs; i++)
            {
                try
                {
                    var response = await api.TriggerAsync(BenchNames.Bench, [BenchNames.Records], BenchNames.Load(i), cancellationToken);
                    loadRuns.Add((string)response["runs"]![0]!["run_id"]!);
                }
                catch (HttpRequestException ex)
                {
                    refused++;
                    context.Info($"B2: the trigger of load sync {i} was refused: {ex.Message}");
                }
            }

            foreach (var run in loadRuns)
            {
                await context.Probe.WaitAsync(run, ProbeTimeout, cancellationToken);
            }

            var writtenBefore = await LoadSequenceAsync(context, cancellationToken);
            var started = Stopwatch.GetTimestamp();

            // No warm-up here: B1 already warmed the server, and under load every sample counts.
            var round = await MeasureAsync(context, api, profile.LoadedTriggers, 0, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var written = await LoadSequenceAsync(context, cancellationToken) - writtenBefore;
            var running = await RunningLoadSyncsAsync(context, cancellationToken);
            var note = $"{loadRuns.Count} load syncs started ({refused} triggers refused), {running} still running at the end; "
                + $"they rewrote {written:N0} records meanwhile" + (round.Problems is { } problems ? $"; {problems}" : string.Empty);
            context.Results.Set(FigureCatalog.B2P50, Stats.Percentile(round.Samples, 50), round.Samples.Count, note);
            context.Results.Set(FigureCatalog.B2P99, Stats.Percentile(round.Samples, 99), round.Samples.Count, note);
            context.Results.Set(FigureCatalog.B2Ingest, written / seconds, 1, note);
            context.Info($"B2 loaded: p50 {Stats.Percentile(round.Samples, 50):0.00} ms, p99 {Stats.Percentile(round.Samples, 99):0.00} ms over {round.Samples.Count}; {note}");
        }
        finally
        {
            await StopLoadAsync(context, api, loadRuns);
        }
    }

    /// <summary>Cancels the load runs and waits for them; a cancel the busy server refuses is left to the next phase's clean-up.</summary>
    private static async Task StopLoadAsync(BenchContext context, BenchApi api, List<string> loadRuns)
    {
        foreach (var run in loadRuns)
        {
            try
            {
                await api.CancelRunAsync(run, CancellationToken.None);
                await api.WaitForRunAsync(run, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), CancellationToken.None);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                context.Info($"B2: could not stop load run {run}: {ex.Message}");
            }
        }
    }

    private static async Task<Round> MeasureAsync(BenchContext context, BenchApi api, int count, int warmUp, CancellationToken cancellationToken)
    {
        var round = new Round([]);
        var budget = Stopwatch.GetTimestamp();
        for (var i = 0; i < count + warmUp && Stopwatch.GetElapsedTime(budget) < context.Profile.PhaseBudget; i++)
        {
            var sent = Stopwatch.GetTimestamp();
            string runId;
            try
            {
                var response = await api.TriggerAsync(BenchNames.Bench, [BenchNames.Probe], BenchNames.LatencyConnection, cancellationToken);
                runId = (string)response["runs"]![0]!["run_id"]!;
            }
            catch (HttpRequestException ex)
            {
                round.Refused++;
                round.Samples.Add(Stats.MillisecondsSince(sent));
                context.Info($"trigger refused after {Stats.MillisecondsSince(sent):0} ms: {ex.Message}");
                continue;
            }

            var answered = Stopwatch.GetTimestamp();
            var started = await context.Probe.WaitAsync(runId, ProbeTimeout, cancellationToken);
            if (started is null)
            {
                // Never started within the timeout: its latency is at least that long.
                round.Lost++;
                round.Samples.Add(Stats.MillisecondsSince(sent));
            }
            else if (i >= warmUp)
            {
                round.Samples.Add(Stats.Milliseconds(sent, started.Value));
            }

            var run = await api.WaitForRunAsync(runId, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(50), cancellationToken);
            if ((string?)run["state"] != "succeeded")
            {
                round.Failed++;
            }

            if (started is { } at && Stats.MillisecondsSince(sent) > 1000)
            {
                // Slow rounds are what p99 (and a short sample count) are made of: say where the time went.
                context.Info($"slow round for run {runId}: answered after {Stats.Milliseconds(sent, answered):0} ms, started {Stats.Milliseconds(answered, at):0} ms later, finished {Stats.MillisecondsSince(at):0} ms after that");
            }
        }

        return round;
    }

    /// <summary>Sequence numbers handed out to the load syncs' datasets: one per record saved.</summary>
    private static async Task<long> LoadSequenceAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await using var connection = await context.OpenAsync(cancellationToken);
        return await connection.QueryLongAsync(
            """
            SELECT COALESCE(SUM(d.last_seq), 0) FROM datasets d
            JOIN connections c ON c.id = d.connection_id
            WHERE c.connection_id LIKE 'load-%'
            """,
            cancellationToken);
    }

    private static async Task<long> RunningLoadSyncsAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await using var connection = await context.OpenAsync(cancellationToken);
        return await connection.QueryLongAsync(
            """
            SELECT COUNT(*) FROM runs r JOIN syncs s ON s.id = r.sync_id JOIN connections c ON c.id = s.connection_id
            WHERE c.connection_id LIKE 'load-%' AND r.state = 'running'
            """,
            cancellationToken);
    }

    private sealed class Round(List<double> samples)
    {
        public List<double> Samples { get; } = samples;

        public int Refused { get; set; }

        public int Lost { get; set; }

        public int Failed { get; set; }

        /// <summary>What went wrong during the round, or null when nothing did.</summary>
        public string? Problems
        {
            get
            {
                var parts = new List<string>();
                if (Refused > 0)
                {
                    parts.Add($"{Refused} triggers refused (counted at their answer time)");
                }

                if (Lost > 0)
                {
                    parts.Add($"{Lost} runs never started within {ProbeTimeout.TotalSeconds:0} s");
                }

                if (Failed > 0)
                {
                    parts.Add($"{Failed} probe runs did not succeed");
                }

                return parts.Count == 0 ? null : string.Join("; ", parts);
            }
        }
    }
}
