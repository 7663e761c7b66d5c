using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Bench.Baselines;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;
using Tributary.Core.Ports;
using Tributary.Storage;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B9: how the cost of a claim grows with the queue. The claim is not visible over HTTP, so the bench calls the
/// engine's own run store (the code the worker runs) against the server's database while no server runs, and
/// the bare LIMIT-first claim next to it, interleaved. Each claim is followed (untimed) by a new queued run for
/// an idle sync, so the backlog stays at its level while sampling.
/// </summary>
internal static class QueueScenario
{
    public static async Task RunAsync(BenchContext context, IRunQueueStore runs, CancellationToken cancellationToken)
    {
        var specs = new[] { FigureCatalog.B9Small, FigureCatalog.B9Medium, FigureCatalog.B9Large };
        var levels = context.Profile.BacklogLevels;
        var p50 = new double[levels.Count];
        for (var level = levels.Count - 1; level >= 0; level--)
        {
            await QueueState.SetBacklogAsync(context.Database, levels[level], cancellationToken);
            await LogPlansAsync(context, cancellationToken);
            var (engine, primitive, queued) = await SampleAsync(context, runs, cancellationToken);
            p50[level] = Stats.Percentile(engine, 50);
            var note = $"{queued:N0} queued; engine p99 {Stats.Percentile(engine, 99):0.00} ms, primitive p99 {Stats.Percentile(primitive, 99):0.00} ms";
            context.Results.Set(specs[level], p50[level], engine.Count, note);
            context.Results.SetBaseline(specs[level], Stats.Percentile(primitive, 50));
            context.Info($"B9 {levels[level]:N0} queued: engine claim p50 {p50[level]:0.000} ms, primitive {Stats.Percentile(primitive, 50):0.000} ms");
        }

        context.Results.Set(FigureCatalog.B9Growth, p50[^1] / p50[0], context.Profile.ClaimSamples);
        await using var connection = await context.OpenAsync(cancellationToken);
        await QueueState.CancelActiveAsync(connection, cancellationToken);
    }

    private static async Task<(List<double> Engine, List<double> Primitive, long Queued)> SampleAsync(BenchContext context, IRunQueueStore runs, CancellationToken cancellationToken)
    {
        var samples = context.Profile.ClaimSamples;
        await using var connection = await context.OpenAsync(cancellationToken);
        var queued = await connection.QueryLongAsync("SELECT COUNT(*) FROM runs WHERE state = 'queued'", cancellationToken);
        var idle = await QueueState.IdleSyncsAsync(connection, samples * 2, cancellationToken);
        var engine = new List<double>(samples);
        var primitive = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var claimed = await runs.ClaimAsync("bench-b9", 1, BenchContext.NowMicros(), 30_000_000, cancellationToken);
            engine.Add(Stats.MillisecondsSince(started));
            await RefillAsync(connection, idle, claimed.Count, cancellationToken);

            started = Stopwatch.GetTimestamp();
            var raw = await RawQueue.ClaimAsync(connection, context.IsPostgres, 1, cancellationToken);
            primitive.Add(Stats.MillisecondsSince(started));
            await RefillAsync(connection, idle, raw.Count, cancellationToken);
        }

        return (engine, primitive, queued);
    }

    /// <summary>
    /// Logs how the database plans the engine's claim (SqlRunQueueStore.ClaimSql) and the primitive:
    /// when their costs differ, the plan usually says why.
    /// </summary>
    private static async Task LogPlansAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var skipLocked = context.IsPostgres ? "FOR UPDATE SKIP LOCKED" : string.Empty;
        var engine = SqlRunQueueStore.ClaimSql(context.Database.Dialect);
        var primitive = $"UPDATE runs SET state = 'running' WHERE id IN (SELECT id FROM runs WHERE state = 'queued' ORDER BY id LIMIT 1 {skipLocked})";
        await using var connection = await context.OpenAsync(cancellationToken);
        foreach (var (name, sql) in new[] { ("engine", engine), ("primitive", primitive) })
        {
            var lines = new List<string>();
            await using var command = connection.RawCommand((context.IsPostgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql);
            if (name == "engine")
            {
                command.With("owner", "plan").With("lease", 0L).With("now", 0L).With("max", 1L);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                lines.Add(reader.GetString(reader.FieldCount - 1).Trim());
            }

            context.Info($"B9 {name} claim plan: {string.Join(" / ", lines)}");
        }
    }

    private static async Task RefillAsync(System.Data.Common.DbConnection connection, Queue<string> idle, int count, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count && idle.Count > 0; i++)
        {
            await RawQueue.InsertQueuedAsync(connection, idle.Dequeue(), cancellationToken);
        }
    }

    /// <summary>The engine's stores over their own pool on the same database (what a worker process builds).</summary>
    public static ServiceProvider EngineStores(BenchContext context) =>
        new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddTributaryStorage(context.NewDatabase())
            .BuildServiceProvider();
}
