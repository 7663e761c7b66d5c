using System.Diagnostics;
using Microsoft.Data.Sqlite;
using NpgsqlTypes;
using Tributary.Bench.Infrastructure;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Baselines;

/// <summary>
/// The real limit under B5 (issue 14): the same rows upserted into the smallest table that can serve the API — a
/// rowid table, a unique key (connection, model, external id) and one index for the cursor — 1,000 per transaction,
/// with a hash-compare upsert and nothing else (reference §3.1.2: 89,000 rows/s on SQLite for 1 KB rows).
/// The table is created fresh for the pass and dropped after it; only the write transactions are timed.
/// </summary>
internal static class MinimalUpsert
{
    private const string Table = "bench_minimal_records";

    private const string Tail = """
        ON CONFLICT (connection_id, model, external_id) DO UPDATE SET data_hash = excluded.data_hash, payload = excluded.payload, seq = excluded.seq
        WHERE bench_minimal_records.data_hash <> excluded.data_hash
        """;

    /// <summary>Upserts every live row of <paramref name="fromConnection"/>'s dataset into the minimal table; returns rows/s of the writes.</summary>
    public static async Task<double> RunAsync(Database database, long fromConnection, string model, CancellationToken cancellationToken)
    {
        var postgres = database.Dialect.IsPostgres;
        await using var reader = await database.OpenAsync(cancellationToken);
        await using var writer = await database.OpenAsync(cancellationToken);
        await writer.ExecuteAsync($"DROP TABLE IF EXISTS {Table}", cancellationToken);
        await writer.ExecuteAsync(
            $"""
            CREATE TABLE {Table} (
                id {(postgres ? "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY")},
                connection_id BIGINT NOT NULL, model TEXT NOT NULL, external_id TEXT NOT NULL,
                data_hash TEXT NOT NULL, payload TEXT NOT NULL, seq BIGINT NOT NULL,
                UNIQUE (connection_id, model, external_id))
            """,
            cancellationToken);
        await writer.ExecuteAsync($"CREATE INDEX {Table}_seq ON {Table} (connection_id, model, seq)", cancellationToken);
        long after = 0, rows = 0, ticks = 0;
        try
        {
            while (true)
            {
                var batch = await RawRecords.ReadBatchAsync(reader, fromConnection, model, after, cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                after = batch[^1].Seq;
                var started = Stopwatch.GetTimestamp();
                await using (var transaction = await database.BeginWriteAsync(writer, cancellationToken))
                {
                    if (postgres)
                    {
                        await using var command = writer.RawCommand(
                            $"""
                            INSERT INTO {Table} (connection_id, model, external_id, data_hash, payload, seq)
                            SELECT @c, @m, u.e, u.h, u.p, u.s FROM unnest(@e, @h, @p, @s) AS u(e, h, p, s)
                            {Tail}
                            """,
                            transaction)
                            .With("c", 1L).With("m", model)
                            .WithArray("e", batch.Select(r => r.Id).ToArray(), NpgsqlDbType.Text)
                            .WithArray("h", batch.Select(r => r.Hash).ToArray(), NpgsqlDbType.Text)
                            .WithArray("p", batch.Select(r => r.Payload).ToArray(), NpgsqlDbType.Text)
                            .WithArray("s", batch.Select(r => r.Seq).ToArray(), NpgsqlDbType.Bigint);
                        await command.ExecuteNonQueryAsync(cancellationToken);
                    }
                    else
                    {
                        // The statement Tributary's own SQLite batches run on (the native handle, UTF-8 bound from one
                        // buffer): a prepared SqliteCommand re-binds and allocates per row, and held this limit a third
                        // below what the statement does (docs/benchmarks.md, 2026-12-06 23:00).
                        using var statement = SqliteRowStatement.Prepare(
                            (SqliteConnection)writer,
                            $"INSERT INTO {Table} (connection_id, model, external_id, data_hash, payload, seq) VALUES (@c, @m, @e, @h, @p, @s) {Tail}");
                        statement.Bind("c", 1L).Bind("m", model);
                        var (e, h, p, s) = (statement.Parameter("e"), statement.Parameter("h"), statement.Parameter("p"), statement.Parameter("s"));
                        foreach (var row in batch)
                        {
                            statement.Bind(e, row.Id);
                            statement.Bind(h, row.Hash);
                            statement.Bind(p, row.Payload);
                            statement.Bind(s, row.Seq);
                            statement.Execute();
                        }
                    }

                    await transaction.CommitAsync(cancellationToken);
                }

                ticks += Stopwatch.GetTimestamp() - started;
                rows += batch.Count;
            }
        }
        finally
        {
            await writer.ExecuteAsync($"DROP TABLE IF EXISTS {Table}", CancellationToken.None);
        }

        return rows / (ticks / (double)Stopwatch.Frequency);
    }
}
