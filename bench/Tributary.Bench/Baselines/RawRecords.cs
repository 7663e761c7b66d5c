using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using NpgsqlTypes;
using Tributary.Bench.Infrastructure;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Baselines;

/// <summary>
/// The raw primitive B5–B7 compare against: the same rows the engine just stored (read back from the server's
/// dataset) upserted into a second connection's dataset of the same table, 1,000 per transaction, with the
/// engine's own statement (unnest on PostgreSQL, one native statement stepped per row on SQLite, as the engine's; the
/// same SET and hash-compare <c>WHERE</c>, and the <c>RETURNING</c> where the engine has one: PostgreSQL). Only the
/// write transactions are timed; no lease check, no sequence reservation, no counts, no JSON serialisation or
/// hashing. Keep the statement in step with SqlRecordStore.
/// </summary>
internal static class RawRecords
{
    private const int BatchSize = 1000;

    // The engine's upsert, clause for clause (SqlRecordStore.UpsertSet), with its guard switched off (@guard = -1)
    // as it is for every save that does not ask for ignore_if_modified_after.
    private const string UpsertTail = """
        ON CONFLICT (connection_id, model, external_id) DO UPDATE SET
            data_hash = excluded.data_hash,
            payload = excluded.payload,
            seq = CASE WHEN records.data_hash = excluded.data_hash AND records.deleted_at IS NULL THEN records.seq ELSE excluded.seq END,
            added_seq = CASE WHEN records.deleted_at IS NOT NULL THEN excluded.seq ELSE records.added_seq END,
            created_at = CASE WHEN records.deleted_at IS NOT NULL THEN excluded.created_at ELSE records.created_at END,
            updated_at = CASE WHEN records.data_hash = excluded.data_hash AND records.deleted_at IS NULL THEN records.updated_at ELSE excluded.updated_at END,
            deleted_at = NULL,
            pruned_at = NULL,
            run_id = CASE WHEN records.data_hash = excluded.data_hash AND records.deleted_at IS NULL THEN records.run_id ELSE excluded.run_id END,
            seen_run = excluded.seen_run
        WHERE (records.data_hash <> excluded.data_hash OR records.deleted_at IS NOT NULL OR records.pruned_at IS NOT NULL)
          AND (@guard < 0 OR records.seq <= @guard OR records.run_id = excluded.run_id)
        """;

    // PostgreSQL returns each written row's outcome from the statement; SQLite's engine upsert has no RETURNING (it
    // tells the outcome from the change count and the last insert rowid; SqlDialect.ExecuteUpsertRowsAsync).
    private const string PostgresUpsert = $"""
        INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at, run_id, seen_run)
        SELECT @c, @m, u.e, u.h, u.p, u.s, u.s, @now, @now, @run, @run FROM unnest(@e, @h, @p, @s) AS u(e, h, p, s)
        {UpsertTail}
        RETURNING CASE WHEN seq < @first THEN 2 WHEN added_seq = seq THEN 1 ELSE 0 END
        """;

    private const string SqliteUpsert = $"""
        INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at, run_id, seen_run)
        VALUES (@c, @m, @e, @h, @p, @s, @s, @now, @now, @run, @run)
        {UpsertTail}
        """;

    /// <summary>Upserts every live row of <paramref name="fromConnection"/> into <paramref name="toConnection"/>; returns rows/s of the writes.</summary>
    public static async Task<(double RowsPerSecond, long Rows, long Written)> CopyAsync(
        Database database, long fromConnection, long toConnection, string model, CancellationToken cancellationToken)
    {
        await using var reader = await database.OpenAsync(cancellationToken);
        await using var writer = await database.OpenAsync(cancellationToken);
        var seq = await writer.QueryLongAsync(
            "SELECT COALESCE(MAX(seq), 0) FROM records WHERE connection_id = @c AND model = @m", cancellationToken, ("c", toConnection), ("m", model));
        var now = Scenarios.BenchContext.NowMicros();
        long after = 0, rows = 0, written = 0, ticks = 0;
        while (true)
        {
            var batch = await ReadBatchAsync(reader, fromConnection, model, after, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            after = batch[^1].Seq;
            var started = Stopwatch.GetTimestamp();
            await using (var transaction = await database.BeginWriteAsync(writer, cancellationToken))
            {
                written += database.Dialect.IsPostgres
                    ? await UpsertPostgresAsync(writer, transaction, toConnection, model, now, batch, seq, cancellationToken)
                    : UpsertSqlite(writer, toConnection, model, now, batch, seq);
                await transaction.CommitAsync(cancellationToken);
            }

            ticks += Stopwatch.GetTimestamp() - started;
            seq += batch.Count;
            rows += batch.Count;
        }

        return (rows / (ticks / (double)Stopwatch.Frequency), rows, written);
    }

    internal static async Task<List<(string Id, string Hash, string Payload, long Seq)>> ReadBatchAsync(
        DbConnection connection, long connectionId, string model, long after, CancellationToken cancellationToken)
    {
        var batch = new List<(string, string, string, long)>(BatchSize);
        await using var command = connection.RawCommand("""
            SELECT external_id, data_hash, payload, seq FROM records
            WHERE connection_id = @c AND model = @m AND seq > @after AND deleted_at IS NULL
            ORDER BY seq LIMIT @limit
            """).With("c", connectionId).With("m", model).With("after", after).With("limit", (long)BatchSize);
        await using var rows = await command.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
        {
            batch.Add((rows.GetString(0), rows.GetString(1), rows.GetString(2), rows.GetInt64(3)));
        }

        return batch;
    }

    private static async Task<long> UpsertPostgresAsync(
        DbConnection connection, DbTransaction transaction, long target, string model, long now,
        List<(string Id, string Hash, string Payload, long Seq)> batch, long seq, CancellationToken cancellationToken)
    {
        var seqs = new long[batch.Count];
        for (var i = 0; i < seqs.Length; i++)
        {
            seqs[i] = seq + i + 1;
        }

        await using var command = connection.RawCommand(PostgresUpsert, transaction)
            .With("c", target).With("m", model).With("now", now).With("run", 0L).With("guard", -1L).With("first", seq + 1)
            .WithArray("e", batch.Select(r => r.Id).ToArray(), NpgsqlDbType.Text)
            .WithArray("h", batch.Select(r => r.Hash).ToArray(), NpgsqlDbType.Text)
            .WithArray("p", batch.Select(r => r.Payload).ToArray(), NpgsqlDbType.Text)
            .WithArray("s", seqs, NpgsqlDbType.Bigint);
        long written = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            written++;
        }

        return written;
    }

    /// <remarks>
    /// On the native statement the engine's SQLite batches use (<see cref="SqliteRowStatement"/>), not a prepared
    /// <c>SqliteCommand</c>: that one re-binds, boxes and allocates per row, and held this baseline a third below what
    /// the same statement does (docs/benchmarks.md, 2026-12-06 23:00).
    /// </remarks>
    private static long UpsertSqlite(
        DbConnection connection, long target, string model, long now, List<(string Id, string Hash, string Payload, long Seq)> batch, long seq)
    {
        using var statement = SqliteRowStatement.Prepare((SqliteConnection)connection, SqliteUpsert);
        statement.Bind("c", target).Bind("m", model).Bind("now", now).Bind("run", 0L).Bind("guard", -1L);
        var (e, h, p, s) = (statement.Parameter("e"), statement.Parameter("h"), statement.Parameter("p"), statement.Parameter("s"));
        long written = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            statement.Bind(e, batch[i].Id);
            statement.Bind(h, batch[i].Hash);
            statement.Bind(p, batch[i].Payload);
            statement.Bind(s, seq + i + 1);
            written += statement.Execute();
        }

        return written;
    }
}
