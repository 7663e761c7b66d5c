using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using NpgsqlTypes;
using Tributary.Bench.Baselines;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B10: the scheduler over every fan-out sync. The burst: all schedules start at once with their first slot long
/// past (what a restart after an outage finds), and a worker process's scheduler queues them; the idle tick:
/// the engine's tick statement with every schedule started and nothing due, next to the bare due query.
/// </summary>
internal static class SchedulerScenario
{
    private const int BatchSize = 1000;

    public static async Task BurstAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var expected = context.Profile.Schedules;
        await using var connection = await context.OpenAsync(cancellationToken);
        await QueueState.CancelActiveAsync(connection, cancellationToken);
        var sent = BenchContext.NowMicros();
        await api.StartSchedulesAsync(BenchNames.Fanout, BenchNames.FanoutSyncs(context.Profile.SyncsPerFanoutConnection), cancellationToken);
        var waited = Stopwatch.GetTimestamp();
        var limit = TimeSpan.FromSeconds(60 + expected / 1000.0);
        // A due schedule is advanced in the transaction that queues its run, so "nothing due" means "all queued".
        // The poll asks whether any is due (one index entry), not how many: a COUNT walked up to 100,000 entries of
        // the due index ten times a second, CPU taken from the burst it measures on two cores (and, on SQLite, a read
        // snapshot held across the scheduler's commits). The figure itself comes from the runs' timestamps.
        while (await AnyDueAsync(connection, sent, cancellationToken))
        {
            if (Stopwatch.GetElapsedTime(waited) > limit)
            {
                throw new TimeoutException($"The scheduler did not queue {expected:N0} runs within {limit.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, cancellationToken);
        }

        var queued = await CountScheduledAsync(connection, sent, cancellationToken);
        if (queued < expected)
        {
            throw new InvalidOperationException($"The scheduler advanced every schedule but queued {queued:N0} runs; expected {expected:N0}.");
        }

        await using var span = connection.RawCommand(
            "SELECT MIN(queued_at), MAX(queued_at), COUNT(DISTINCT queued_at) FROM runs WHERE trigger_source = 'schedule' AND queued_at >= @t")
            .With("t", sent);
        await using var reader = await span.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (first, last, transactions) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        await reader.DisposeAsync();
        var largest = await connection.QueryLongAsync(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM runs WHERE trigger_source = 'schedule' AND queued_at >= @t GROUP BY queued_at) AS t",
            cancellationToken,
            ("t", sent));
        // How much the worker drained while the burst was being queued (a worker holds its claims during its own
        // scheduler's burst, so this shows whether the two still competed).
        var startedDuring = await connection.QueryLongAsync(
            "SELECT COUNT(*) FROM runs WHERE trigger_source = 'schedule' AND started_at > @first AND started_at < @last",
            cancellationToken,
            ("first", first),
            ("last", last));
        var seconds = (last - sent) / 1e6;
        var note = $"{transactions} transactions; first to last enqueue {(last - first) / 1e6:0.00} s ({startedDuring:N0} runs started meanwhile), the rest is the start request and the scheduler's wake-up";
        context.Results.Set(FigureCatalog.B10Burst, seconds, 1, note);
        context.Results.Set(FigureCatalog.B10Batch, largest, (int)transactions);
        context.Info($"B10 burst: {expected:N0} runs queued {seconds:0.00} s after the start ({note}); largest transaction {largest}");
    }

    public static async Task IdleTickAsync(BenchContext context, IRunQueueStore runs, CancellationToken cancellationToken)
    {
        var samples = context.Profile.TickSamples;
        await using var connection = await context.OpenAsync(cancellationToken);
        var started = await connection.QueryLongAsync("SELECT COUNT(*) FROM syncs WHERE schedule_state = 'STARTED'", cancellationToken);
        var engine = new List<double>(samples);
        var bare = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var at = Stopwatch.GetTimestamp();
            var processed = await runs.EnqueueDueAsync(BenchContext.NowMicros(), BatchSize, cancellationToken);
            engine.Add(Stats.MillisecondsSince(at));
            if (processed != 0)
            {
                throw new InvalidOperationException($"The idle tick found {processed} due schedules; nothing should be due.");
            }

            at = Stopwatch.GetTimestamp();
            await using (var command = connection.RawCommand(
                "SELECT id FROM syncs WHERE schedule_state = 'STARTED' AND next_due_at <= @now ORDER BY next_due_at LIMIT @limit")
                .With("now", BenchContext.NowMicros()).With("limit", (long)BatchSize))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                }
            }

            bare.Add(Stats.MillisecondsSince(at));
        }

        context.Results.Set(FigureCatalog.B10Idle, Stats.Percentile(engine, 50), samples, $"{started:N0} started schedules; p99 {Stats.Percentile(engine, 99):0.000} ms");
        context.Results.SetBaseline(FigureCatalog.B10Idle, Stats.Percentile(bare, 50));
        context.Info($"B10 idle tick: p50 {Stats.Percentile(engine, 50):0.000} ms (bare {Stats.Percentile(bare, 50):0.000} ms) over {started:N0} started schedules");
    }

    /// <summary>CPU of a whole idle server process (API, scheduler ticking, workers polling) with every schedule started.</summary>
    public static async Task IdleCpuAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await using var server = await context.StartServerAsync("all", 16, "idle", cancellationToken);
        // Start-up work (tiered JIT recompiling hot methods in the background, first ticks) is not idle cost.
        await Task.Delay(TimeSpan.FromSeconds(context.Profile.IsQuick ? 0.5 : 20), TimeProvider.System, cancellationToken);
        var window = TimeSpan.FromSeconds(context.Profile.IsQuick ? 1 : 10);
        var before = server.CpuTime();
        await Task.Delay(window, TimeProvider.System, cancellationToken);
        var percent = (server.CpuTime() - before) / window * 100;
        context.Results.Set(FigureCatalog.B10IdleCpu, percent, 1, $"over {window.TotalSeconds:0} s");
        context.Info($"B10 idle server CPU: {percent:0.00}% of a core");
    }

    /// <summary>The bare burst: every started schedule due; select, insert and advance 1,000 per transaction.</summary>
    public static async Task BurstBaselineAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var database = context.Database;
        await using var connection = await context.OpenAsync(cancellationToken);
        await QueueState.CancelActiveAsync(connection, cancellationToken);
        var now = BenchContext.NowMicros();
        await connection.ExecuteAsync(
            "UPDATE syncs SET next_due_at = @past WHERE schedule_state = 'STARTED'", cancellationToken, ("past", now - 3_600_000_000L));
        await QueueState.MaintainAsync(connection, database.Dialect.IsPostgres, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        long total = 0;
        while (true)
        {
            var processed = await BareTickAsync(database, connection, now, cancellationToken);
            total += processed;
            if (processed < BatchSize)
            {
                break;
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        context.Results.SetBaseline(FigureCatalog.B10Burst, seconds);
        await QueueState.CancelActiveAsync(connection, cancellationToken);
        context.Info($"B10 bare burst: {total:N0} runs in {seconds:0.00} s");
    }

    private static async Task<int> BareTickAsync(Database database, DbConnection connection, long now, CancellationToken cancellationToken)
    {
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        var due = new List<string>(BatchSize);
        await using (var select = connection.RawCommand(
            "SELECT id FROM syncs WHERE schedule_state = 'STARTED' AND next_due_at <= @now ORDER BY next_due_at LIMIT @limit", transaction)
            .With("now", now).With("limit", (long)BatchSize))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(reader.GetString(0));
            }
        }

        if (due.Count > 0)
        {
            var list = database.Dialect.IsPostgres ? "= ANY(@ids)" : "IN (SELECT value FROM json_each(@ids))";
            await using (var insert = WithIds(database, connection.RawCommand($"""
                INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, attempt, lease_token, queued_at)
                SELECT s.id, 'queued', 'schedule', 'scheduler', 0, 0, 0, 0, 0, @now FROM syncs s WHERE s.id {list}
                """, transaction).With("now", now), due))
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var advance = WithIds(database, connection.RawCommand(
                $"UPDATE syncs SET next_due_at = next_due_at + frequency_ms * 1000 * ((@now - next_due_at) / (frequency_ms * 1000) + 1) WHERE id {list}",
                transaction).With("now", now), due);
            await advance.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    private static DbCommand WithIds(Database database, DbCommand command, List<string> ids) =>
        database.Dialect.IsPostgres
            ? command.WithArray("ids", ids.ToArray(), NpgsqlDbType.Text)
            : command.With("ids", JsonSerializer.Serialize(ids));

    private static async Task<bool> AnyDueAsync(DbConnection connection, long now, CancellationToken cancellationToken) =>
        await connection.QueryLongAsync(
            "SELECT COUNT(*) FROM (SELECT 1 FROM syncs WHERE schedule_state = 'STARTED' AND next_due_at <= @now ORDER BY next_due_at, id LIMIT 1) AS due",
            cancellationToken,
            ("now", now)) > 0;

    private static Task<long> CountScheduledAsync(DbConnection connection, long since, CancellationToken cancellationToken) =>
        connection.QueryLongAsync(
            "SELECT COUNT(*) FROM runs WHERE trigger_source = 'schedule' AND queued_at >= @t", cancellationToken, ("t", since));
}
