using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.Bench.Baselines;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;

using Tributary.Storage.Sql;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B5–B7: one <c>bench-records</c> run saves every record of the <c>rec</c> connection through the SDK's
/// batchSave (fresh, then unchanged, then with every tenth id changed). The rate is records over the run's
/// own start-to-finish time. Each pass is followed by its raw baseline on the same database.
/// </summary>
internal static class RecordsScenario
{
    public static async Task FreshAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var (rate, counts) = await RunAsync(context, api, cancellationToken);
        context.Results.Set(FigureCatalog.B5Ingest, rate, 1, $"added {counts.Added:N0}, updated {counts.Updated:N0}");
        var baseline = await BaselineAsync(context, cancellationToken);
        context.Results.SetBaseline(FigureCatalog.B5Ingest, baseline);
        var from = await context.ConnectionDbIdAsync(BenchNames.RecordsConnection, cancellationToken);
        var minimal = await MinimalUpsert.RunAsync(context.Database, from, BenchNames.ItemModel, cancellationToken);
        context.Results.Set(FigureCatalog.B5Minimal, rate, 1);
        context.Results.SetBaseline(FigureCatalog.B5Minimal, minimal);
        context.Info($"B5 fresh: {rate:N0} records/s; raw {baseline:N0} rows/s; minimal table {minimal:N0} rows/s");
    }

    public static async Task UnchangedAsync(BenchContext context, BenchApi api, string lastCursor, CancellationToken cancellationToken)
    {
        var (rate, counts) = await RunAsync(context, api, cancellationToken);
        var after = await RecordPages.IdsAfterAsync(api, BenchNames.RecordsConnection, lastCursor, cancellationToken);
        var rewritten = counts.Added + counts.Updated + after.Count;
        var note = $"run counted {counts.Added} added, {counts.Updated} updated; {after.Count} records after the previous cursor";
        context.Results.Set(FigureCatalog.B6Resave, rate, 1, note);
        context.Results.Set(FigureCatalog.B6Rewritten, rewritten, 1, note);
        var baseline = await BaselineAsync(context, cancellationToken);
        context.Results.SetBaseline(FigureCatalog.B6Resave, baseline);
        context.Info($"B6 unchanged: {rate:N0} records/s; raw {baseline:N0} rows/s; rewritten {rewritten}");
    }

    public static async Task TenPercentAsync(BenchContext context, BenchApi api, string lastCursor, CancellationToken cancellationToken)
    {
        await api.PatchMetadataAsync(
            BenchNames.Bench, BenchNames.RecordsConnection, new JsonObject { ["changed_every"] = 10, ["changed_version"] = 1 }, cancellationToken);
        var (rate, counts) = await RunAsync(context, api, cancellationToken);
        var after = await RecordPages.IdsAfterAsync(api, BenchNames.RecordsConnection, lastCursor, cancellationToken);
        var expected = Enumerable.Range(1, context.Profile.Records / 10).Select(i => (i * 10).ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = after.Count(id => !seen.Add(id));
        var extra = seen.Count(id => !expected.Contains(id));
        var missing = expected.Count(id => !seen.Contains(id));
        var note = $"{after.Count:N0} records after the previous cursor for {expected.Count:N0} changed ids: {missing} missing, {extra} extra, {repeated} repeated; run counted {counts.Updated:N0} updated";
        context.Results.Set(FigureCatalog.B7Resave, rate, 1, note);
        context.Results.Set(FigureCatalog.B7Cursor, missing + extra + repeated, 1, note);
        var baseline = await BaselineAsync(context, cancellationToken);
        context.Results.SetBaseline(FigureCatalog.B7Resave, baseline);
        context.Info($"B7 10% changed: {rate:N0} records/s; raw {baseline:N0} rows/s; {note}");
    }

    private static async Task<(double Rate, (long Added, long Updated) Counts)> RunAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var response = await api.TriggerAsync(BenchNames.Bench, [BenchNames.Records], BenchNames.RecordsConnection, cancellationToken);
        var runId = (string)response["runs"]![0]!["run_id"]!;
        var run = await api.WaitForRunAsync(runId, TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), cancellationToken);
        if ((string?)run["state"] != "succeeded")
        {
            throw new InvalidOperationException($"Records run {runId} ended {(string?)run["state"]}: {(string?)run["error"]}");
        }

        await using var connection = await context.OpenAsync(cancellationToken);
        await using var command = connection.RawCommand("SELECT attempt_started_at, finished_at FROM runs WHERE id = @id")
            .With("id", long.Parse(runId, CultureInfo.InvariantCulture));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var seconds = (reader.GetInt64(1) - reader.GetInt64(0)) / 1e6;
        var item = run["result"]?[BenchNames.ItemModel];
        var counts = ((long?)item?["added"] ?? 0, (long?)item?["updated"] ?? 0);
        return (context.Profile.Records / seconds, counts);
    }

    private static async Task<double> BaselineAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var from = await context.ConnectionDbIdAsync(BenchNames.RecordsConnection, cancellationToken);
        var to = await context.ConnectionDbIdAsync(BenchNames.BaselineConnection, cancellationToken);
        var (rate, rows, _) = await RawRecords.CopyAsync(context.Database, from, to, BenchNames.ItemModel, cancellationToken);
        if (rows != context.Profile.Records)
        {
            throw new InvalidOperationException($"The baseline copied {rows} rows; the dataset should hold {context.Profile.Records}.");
        }

        return rate;
    }
}
