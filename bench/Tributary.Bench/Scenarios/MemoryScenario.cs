using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B11: the resident memory of a worker process (the API runs in another process, so nothing else is counted):
/// idle, then with many no-op runs holding their slots, and the peak of one run saving few or many records.
/// </summary>
internal static class MemoryScenario
{
    private const double Megabyte = 1024 * 1024;
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>On a worker that has just drained the fan-out (so "idle" is its steady state, not a cold start).</summary>
    public static async Task ConcurrentRunsAsync(BenchContext context, BenchApi api, ServerProcess worker, CancellationToken cancellationToken)
    {
        var profile = context.Profile;
        var runs = new List<string>();
        // Let the drain's last allocations settle before the idle sample.
        await Task.Delay(TimeSpan.FromSeconds(profile.IsQuick ? 0.5 : 3), TimeProvider.System, cancellationToken);
        var samples = profile.IsQuick ? 4 : 10;
        var idle = await SampleRssAsync(worker, samples, cancellationToken);
        await StartHoldsAsync(context, api, 0, profile.HoldMid, runs, cancellationToken);
        var mid = await SampleRssAsync(worker, samples, cancellationToken);
        var runningMid = await RunningHoldsAsync(context, cancellationToken);
        await StartHoldsAsync(context, api, profile.HoldMid, profile.HoldHigh, runs, cancellationToken);
        var high = await SampleRssAsync(worker, samples, cancellationToken);
        var runningHigh = await RunningHoldsAsync(context, cancellationToken);
        context.Results.Set(FigureCatalog.B11Idle, idle, samples);
        context.Results.Set(FigureCatalog.B11Mid, mid, samples, $"{runningMid} runs running when sampled");
        context.Results.Set(FigureCatalog.B11High, high, samples, $"{runningHigh} runs running when sampled");
        context.Results.Set(FigureCatalog.B11PerRun, (high - idle) / Math.Max(1, runningHigh), 1);
        context.Info($"B11 worker RSS: idle {idle:0} MB, {runningMid} running {mid:0} MB, {runningHigh} running {high:0} MB");

        // Let the holds end on their own: a stopping worker would hand them back to the queue.
        foreach (var run in runs)
        {
            await api.WaitForRunAsync(run, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    /// <summary>Runs one records sync on a fresh worker and returns the worker's peak RSS in MB.</summary>
    public static async Task<double> PeakOfRecordsRunAsync(BenchContext context, BenchApi api, ServerProcess worker, string connectionId, CancellationToken cancellationToken)
    {
        var response = await api.TriggerAsync(BenchNames.Bench, [BenchNames.Records], connectionId, cancellationToken);
        var runId = (string)response["runs"]![0]!["run_id"]!;
        var run = await api.WaitForRunAsync(runId, TimeSpan.FromMinutes(30), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(500), cancellationToken);
        if ((string?)run["state"] != "succeeded")
        {
            throw new InvalidOperationException($"Run {runId} ended {(string?)run["state"]}: {(string?)run["error"]}");
        }

        return worker.PeakRssBytes() / Megabyte;
    }

    private static async Task StartHoldsAsync(BenchContext context, BenchApi api, int from, int to, List<string> runs, CancellationToken cancellationToken)
    {
        var started = new List<string>();
        for (var i = from; i < to; i++)
        {
            var response = await api.TriggerAsync(BenchNames.Bench, [BenchNames.Hold], BenchNames.HoldConnection(i), cancellationToken);
            started.Add((string)response["runs"]![0]!["run_id"]!);
        }

        foreach (var run in started)
        {
            if (await context.Probe.WaitAsync(run, ProbeTimeout, cancellationToken) is null)
            {
                throw new InvalidOperationException($"Hold run {run} did not start within {ProbeTimeout.TotalSeconds:0} s.");
            }
        }

        runs.AddRange(started);
    }

    /// <summary>The highest RSS over <paramref name="samples"/> samples 100 ms apart (a single one can fall between two GCs).</summary>
    private static async Task<double> SampleRssAsync(ServerProcess worker, int samples, CancellationToken cancellationToken)
    {
        var highest = 0L;
        for (var i = 0; i < samples; i++)
        {
            highest = Math.Max(highest, worker.RssBytes());
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, cancellationToken);
        }

        return highest / Megabyte;
    }

    private static async Task<long> RunningHoldsAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await using var connection = await context.OpenAsync(cancellationToken);
        return await connection.QueryLongAsync(
            "SELECT COUNT(*) FROM runs r JOIN syncs s ON s.id = r.sync_id WHERE s.name = @hold AND r.state = 'running'",
            cancellationToken,
            ("hold", BenchNames.Hold));
    }
}
