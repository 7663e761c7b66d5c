using System.Data.Common;
using System.Diagnostics;
using System.Text.Json;
using NpgsqlTypes;
using Tributary.Bench.Infrastructure;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Baselines;

/// <summary>
/// The bare queue primitives, on the server's own <c>runs</c> table while no server runs: the LIMIT-first claim
/// (the engine's claim without its one-running-run-per-sync guard), a one-statement completion, a batched
/// insert of run rows, and the insert → signal → claim round trip.
/// </summary>
internal static class RawQueue
{
    private const string InsertSql = """
        INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, batch_id, attempt, lease_token, queued_at)
        VALUES (@sync, 'queued', 'api', 'bench', 0, 0, 0, NULL, 0, 0, @now)
        """;

    private const string CompleteSql = """
        UPDATE runs SET state = 'succeeded', finished_at = @now, lease_expires_at = NULL
        WHERE id = @id AND lease_token = @token AND state = 'running'
        """;

    public static async Task<List<(long Id, long Token)>> ClaimAsync(DbConnection connection, bool postgres, int max, CancellationToken cancellationToken)
    {
        var now = Scenarios.BenchContext.NowMicros();
        var sql = $"""
            UPDATE runs SET state = 'running', lease_owner = @owner, lease_token = lease_token + 1, lease_expires_at = @expires,
                attempt = attempt + 1, attempt_started_at = @now, started_at = COALESCE(started_at, @now)
            WHERE id IN (SELECT id FROM runs WHERE state = 'queued' ORDER BY id LIMIT @max {(postgres ? "FOR UPDATE SKIP LOCKED" : string.Empty)})
            RETURNING id, lease_token
            """;
        var claimed = new List<(long, long)>(max);
        await using var transaction = await (postgres ? SqlDialect.Postgres : SqlDialect.Sqlite).BeginWriteAsync(connection, cancellationToken);
        await using (var command = connection.RawCommand(sql, transaction)
            .With("owner", "bench").With("expires", now + 30_000_000).With("now", now).With("max", (long)max))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    public static async Task CompleteAsync(DbConnection connection, long id, long token, CancellationToken cancellationToken)
    {
        await using var command = connection.RawCommand(CompleteSql)
            .With("now", Scenarios.BenchContext.NowMicros()).With("id", id).With("token", token);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task InsertQueuedAsync(DbConnection connection, string syncId, CancellationToken cancellationToken)
    {
        await using var command = connection.RawCommand(InsertSql).With("sync", syncId).With("now", Scenarios.BenchContext.NowMicros());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One transaction inserting a queued run for each sync, with the trigger's list parameter and conflict rule.</summary>
    public static async Task<double> BatchInsertMillisecondsAsync(Database database, IReadOnlyList<string> syncIds, CancellationToken cancellationToken)
    {
        var rows = database.Dialect.IsPostgres ? "unnest(@ids) AS l(value)" : "json_each(@ids) AS l";
        var sql = $"""
            INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, batch_id, attempt, lease_token, queued_at)
            SELECT l.value, 'queued', 'api', 'bench', 0, 0, 0, 'raw-batch', 0, 0, @now FROM {rows} WHERE true
            ON CONFLICT (sync_id) WHERE state = 'queued' DO NOTHING
            """;
        var started = Stopwatch.GetTimestamp();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await database.BeginWriteAsync(connection, cancellationToken);
        await using var command = connection.RawCommand(sql, transaction).With("now", Scenarios.BenchContext.NowMicros());
        if (database.Dialect.IsPostgres)
        {
            command.WithArray("ids", syncIds.ToArray(), NpgsqlDbType.Text);
        }
        else
        {
            command.With("ids", JsonSerializer.Serialize(syncIds));
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Stats.MillisecondsSince(started);
    }

    /// <summary>Claim one, complete it, until the queue is empty, on <paramref name="loops"/> connections; returns runs/s.</summary>
    public static async Task<(double RunsPerSecond, long Runs)> ClaimCompleteLoopAsync(Database database, int loops, CancellationToken cancellationToken)
    {
        long total = 0;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(async _ =>
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            while (true)
            {
                var claimed = await ClaimAsync(connection, database.Dialect.IsPostgres, 1, cancellationToken);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var (id, token) in claimed)
                {
                    await CompleteAsync(connection, id, token, cancellationToken);
                }

                Interlocked.Add(ref total, claimed.Count);
            }
        }));
        return (total / Stopwatch.GetElapsedTime(started).TotalSeconds, total);
    }

    /// <summary>
    /// The B1 floor: insert a queued run (its own transaction), wake a waiting claimer in-process, which claims it;
    /// timed from before the insert to the claim's return. The claimer completes the run before the next round.
    /// </summary>
    public static async Task<List<double>> RoundTripsAsync(Database database, string syncId, int count, CancellationToken cancellationToken)
    {
        await using var producer = await database.OpenAsync(cancellationToken);
        await using var consumer = await database.OpenAsync(cancellationToken);
        using var wake = new SemaphoreSlim(0);
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var claimer = Task.Run(
                async () =>
                {
                    await wake.WaitAsync(cancellationToken);
                    var claimed = await ClaimAsync(consumer, database.Dialect.IsPostgres, 1, cancellationToken);
                    var at = Stopwatch.GetTimestamp();
                    foreach (var (id, token) in claimed)
                    {
                        await CompleteAsync(consumer, id, token, cancellationToken);
                    }

                    return (At: at, Claimed: claimed.Count);
                },
                cancellationToken);
            var sent = Stopwatch.GetTimestamp();
            await using (var transaction = await database.BeginWriteAsync(producer, cancellationToken))
            await using (var insert = producer.RawCommand(InsertSql, transaction).With("sync", syncId).With("now", Scenarios.BenchContext.NowMicros()))
            {
                await insert.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            wake.Release();
            var (claimedAt, claimedCount) = await claimer;
            if (claimedCount == 1)
            {
                samples.Add(Stats.Milliseconds(sent, claimedAt));
            }
        }

        return samples;
    }
}
