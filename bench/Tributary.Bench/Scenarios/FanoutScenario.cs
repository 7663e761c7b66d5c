using System.Diagnostics;
using System.Text.Json.Nodes;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;

using Tributary.Storage.Sql;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B3: one trigger without <c>connection_id</c> for every connection of the fan-out integration, answered by an
/// API-only process (no worker claims anything yet, so the repeat check sees every run still queued).
/// B4: a separate worker process then drains those runs; the rate comes from the runs' own start and finish times.
/// </summary>
internal static class FanoutScenario
{
    public static async Task<string> TriggerAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        // The API process has just started: run the trigger path a few times first (one connection's probe sync;
        // the run waits for B4's worker), so B3 measures the fan-out, not the first request's JIT compilation.
        for (var i = 0; i < 3; i++)
        {
            await api.TriggerAsync(BenchNames.Bench, [BenchNames.Probe], BenchNames.LatencyConnection, cancellationToken);
        }

        var expected = context.Profile.FanoutConnections;
        var sent = Stopwatch.GetTimestamp();
        var response = await api.TriggerAsync(BenchNames.Fanout, [BenchNames.Noop], null, cancellationToken);
        var elapsed = Stats.MillisecondsSince(sent);
        var batchId = (string?)response["batch_id"] ?? throw new InvalidOperationException("The fan-out answer has no batch_id.");
        var queued = Count(response, "queued");

        await using var connection = await context.OpenAsync(cancellationToken);
        var durable = await connection.QueryLongAsync(
            "SELECT COUNT(*) FROM runs WHERE batch_id = @b AND state = 'queued'", cancellationToken, ("b", batchId));
        if (queued != expected || durable != expected)
        {
            throw new InvalidOperationException($"The fan-out queued {queued} runs and {durable} are in the database; expected {expected}.");
        }

        var repeat = await api.TriggerAsync(BenchNames.Fanout, [BenchNames.Noop], null, cancellationToken);
        var queuedAgain = await connection.QueryLongAsync(
            """
            SELECT COUNT(*) FROM runs r JOIN syncs s ON s.id = r.sync_id
            WHERE s.name = @sync AND r.state IN ('queued', 'running')
            """,
            cancellationToken,
            ("sync", BenchNames.Noop));
        var duplicates = Math.Max(queuedAgain - expected, Count(repeat, "queued"));
        var note = $"{durable:N0} runs durable when answered; the repeat coalesced {Count(repeat, "coalesced"):N0}";
        context.Results.Set(FigureCatalog.B3Response, elapsed, 1, note);
        context.Results.Set(FigureCatalog.B3Duplicates, duplicates, 1, note);
        context.Info($"B3 fan-out of {expected:N0}: answered in {elapsed:0} ms; repeat duplicates {duplicates}");
        return batchId;
    }

    public static async Task DrainAsync(BenchContext context, string batchId, CancellationToken cancellationToken)
    {
        var expected = context.Profile.FanoutConnections;
        var (rate, seconds, succeeded) = await MeasureDrainAsync(context, batchId, cancellationToken);
        context.Results.Set(FigureCatalog.B4Drain, rate, 1, $"{succeeded:N0} of {expected:N0} succeeded; first start to last finish {seconds:0.00} s");
        context.Info($"B4 drain: {rate:N0} runs/s ({seconds:0.00} s, {succeeded:N0} succeeded)");
    }

    /// <summary>Waits until the batch's runs are drained; its rate from the runs' own timestamps (B4, and B14 with webhooks on).</summary>
    public static async Task<(double Rate, double Seconds, long Succeeded)> MeasureDrainAsync(BenchContext context, string batchId, CancellationToken cancellationToken)
    {
        var expected = context.Profile.FanoutConnections;
        await using var connection = await context.OpenAsync(cancellationToken);
        var waited = Stopwatch.GetTimestamp();
        var limit = TimeSpan.FromSeconds(120 + expected / 20.0);
        while (await connection.QueryLongAsync(
            "SELECT COUNT(*) FROM runs WHERE batch_id = @b AND state IN ('queued', 'running')", cancellationToken, ("b", batchId)) > 0)
        {
            if (Stopwatch.GetElapsedTime(waited) > limit)
            {
                throw new TimeoutException($"The fan-out runs were not drained within {limit.TotalSeconds:0} s.");
            }

            // The rate comes from the runs' own timestamps; the poll only notices the end, so it stays rare.
            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, cancellationToken);
        }

        await using var span = connection.RawCommand(
            "SELECT MIN(started_at), MAX(finished_at), SUM(CASE WHEN state = 'succeeded' THEN 1 ELSE 0 END) FROM runs WHERE batch_id = @b")
            .With("b", batchId);
        await using var reader = await span.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var seconds = (reader.GetInt64(1) - reader.GetInt64(0)) / 1e6;
        var succeeded = Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture);
        return (expected / seconds, seconds, succeeded);
    }

    private static long Count(JsonNode response, string outcome) => (long?)response["counts"]?[outcome] ?? 0;
}
