using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// PostgreSQL's records batch: the rows go to a session-local staging table by binary COPY, then one command checks
/// the run's lease, reserves the batch's positions and upserts from the staging table (<see cref="UpsertSet"/>).
/// </summary>
/// <remarks>
/// <para>
/// Why COPY: binding 1,000 ~1 KB payloads as a text array and unnesting it server-side was the slowest part of a fresh
/// ingest; COPY streams the rows in the wire's binary format and the server reads them without building an array
/// (reference §3.1.3 measured it 35% faster than unnest for the same upsert). The staging table is a temporary table
/// of the bulk-write connection, emptied at every commit (<c>ON COMMIT DELETE ROWS</c>; a rollback discards its rows
/// too), so it never holds more than the batch in flight and nothing else ever sees it. It lives as long as the
/// connection: bulk-write connections are not reset when they go back to their pool, and each is given the table
/// when it is opened (<see cref="CreateStageSql"/>, <c>Sql/Database.cs</c>); a database without that pool (under 4
/// connections, reset with <c>DISCARD ALL</c>) sends the <c>CREATE … IF NOT EXISTS</c> ahead of every COPY.
/// </para>
/// <para>
/// Why one command after the COPY: a fresh batch was six round trips (lease check, reservation, COPY, upsert, counts,
/// commit) against the minimal upsert's two, each a wait of the worker and of the server on a busy two-core machine.
/// The staging rows carry their ordinal in the batch instead of a position, so the positions are reserved in the
/// upsert's own statement (a data-modifying CTE on the dataset row) and the lease check rides in front of it in the
/// same command: four round trips. The dataset's row lock, which serialises every batch of the dataset, is now taken
/// after the COPY instead of before it. Nothing changes for the fencing: the lease is checked and the run row locked
/// (<c>FOR NO KEY UPDATE</c>) before the reservation and the upsert, which write only while the run holds its lease
/// (the reservation's <c>EXISTS</c>: the row locked by the statement before cannot change in between), so a batch of a
/// run that lost its lease writes nothing, reserves nothing and fails with <see cref="LeaseLostException"/>; all that ran
/// before the check is a read (the unchanged probe) and the staging table, which the rollback empties.
/// </para>
/// </remarks>
internal sealed partial class SqlRecordStore
{
    /// <summary>The session's staging table; <c>o</c> is the row's ordinal in the batch (its position is first + o).</summary>
    internal const string CreateStageSql = """
        CREATE TEMP TABLE IF NOT EXISTS records_stage (e TEXT NOT NULL, h TEXT NOT NULL, p TEXT NOT NULL, o BIGINT NOT NULL)
        ON COMMIT DELETE ROWS
        """;

    private const string CopyToStageSql = "COPY records_stage (e, h, p, o) FROM STDIN (FORMAT BINARY)";

    /// <summary>
    /// The lease check (its row lock held to commit), then the reservation and the upsert in one statement. The
    /// reservation returns the batch's first position as <c>r.first</c>; <see cref="UpsertSet"/>'s <c>@first</c> reads it.
    /// </summary>
    private static readonly string LeaseReserveUpsertSql = $"""
        {RunFencing.HoldsLeaseSql} FOR NO KEY UPDATE;
        WITH r AS (
            INSERT INTO datasets (connection_id, model, last_seq, live_count)
            SELECT @c, @m, @n, 0 WHERE EXISTS ({RunFencing.HoldsLeaseSql})
            ON CONFLICT (connection_id, model) DO UPDATE SET last_seq = datasets.last_seq + excluded.last_seq
            RETURNING last_seq - @n + 1 AS first)
        INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at, run_id, seen_run)
        SELECT @c, @m, u.e, u.h, u.p, r.first + u.o, r.first + u.o, @now, @now, @run, @run FROM r, records_stage AS u
        {UpsertSet}
        RETURNING {UpsertOutcome.Replace("@first", "(SELECT first FROM r)", StringComparison.Ordinal)}
        """;

    /// <summary>
    /// An append's whole bookkeeping ahead of its rows, which it knows before writing them (every record added): the
    /// lease check (its row lock held to commit), the reservation of <c>@n</c> positions with the live count raised by
    /// <c>@n</c> (written only while the run holds its lease), and the run's counts (<see cref="RunFencing.SaveResultSql"/>).
    /// </summary>
    private static readonly string LeaseReserveCountSql = $"""
        {RunFencing.HoldsLeaseSql} FOR NO KEY UPDATE;
        INSERT INTO datasets (connection_id, model, last_seq, live_count)
        SELECT @c, @m, @n, @n WHERE EXISTS ({RunFencing.HoldsLeaseSql})
        ON CONFLICT (connection_id, model) DO UPDATE SET last_seq = datasets.last_seq + excluded.last_seq, live_count = datasets.live_count + excluded.live_count
        RETURNING last_seq - @n + 1;
        {RunFencing.SaveResultSql}
        """;

    /// <summary>A batch of new records straight into the table: the columns the upsert gives a new row, in its order.</summary>
    private const string CopyToRecordsSql = """
        COPY records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at, run_id, seen_run)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>
    /// One records batch on PostgreSQL (see the remarks above): a batch expected new is first tried as a plain COPY
    /// into <c>records</c> (<see cref="TryAppendAsync"/>); otherwise, or when that finds a stored id, the unchanged
    /// probe when asked, the COPY and the lease-reserve-upsert command for the rest, or only the lease check when
    /// nothing is left to write; then the live count, the run's counts and the commit as on every database.
    /// </summary>
    private async Task<BatchResult> StagedUpsertAsync(RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        if (write.ExpectNew && await TryAppendAsync(write, records, cancellationToken) is { } appended)
        {
            return appended;
        }

        await using var fenced = await FencedWrite.BeginUncheckedAsync(_database, cancellationToken);
        var (connection, transaction) = (fenced.Connection, fenced.Transaction);
        var pending = write.ProbeUnchanged ? await WithoutUnchangedAsync(connection, transaction, write, records, cancellationToken) : records;
        int added = 0, updated = 0;
        if (pending.Count == 0)
        {
            await RunFencing.LockLeaseAsync(connection, transaction, _dialect, write.Fence, cancellationToken);
        }
        else
        {
            await CopyToStageAsync((NpgsqlConnection)connection, transaction, write, pending, cancellationToken);
            (added, updated) = await UpsertFromStageAsync(connection, transaction, write, pending.Count, cancellationToken);
        }

        if (write.MarkSeen)
        {
            await MarkSeenAsync(connection, transaction, write, records, cancellationToken);
        }

        var result = new BatchResult(added, updated, 0, records.Count - added - updated);
        await FinishAsync(connection, transaction, write, result, cancellationToken);
        return result;
    }

    /// <summary>
    /// A fresh ingest's batch (<see cref="RecordWrite.ExpectNew"/>) as an append: one command with the lease check, the
    /// reservation, the live count and the run's counts (all known before the rows are written: every record added),
    /// then the rows by COPY straight into <c>records</c> at the reserved positions in batch order, then the commit.
    /// Null when an id of the batch is already stored (the table's unique key refuses the COPY): the transaction is
    /// rolled back whole — no position reserved, no count changed, no row left — and the caller upserts the batch as
    /// any other.
    /// </summary>
    /// <remarks>
    /// Why: on a fresh ingest every row is new, and the upsert from the staging table wrote each payload twice (into the
    /// staging table, then into <c>records</c>), went through <c>ON CONFLICT</c>'s speculative insertion row by row and
    /// emptied the staging file at every commit. A COPY into the table is PostgreSQL's bulk insert (rows buffered and
    /// written a page at a time, one WAL record per page): a psql measure of 20 batches of 1,000 ~1 KB rows took the
    /// server 12.5 ms of CPU a batch against 19.5–22 ms for the staged upsert, and 6% less WAL. A new row is exactly
    /// what the upsert would have inserted (same columns and values; <c>deleted_at</c> and <c>pruned_at</c> null), all
    /// of them counted added, and none needs marking seen (each is written seen by this run). Four round trips instead
    /// of five. The guess costs one rolled-back COPY when it is wrong (the first batch of a run that moves from new ids
    /// to stored ones): <see cref="RecordWrite.ExpectNew"/> holds only after a batch that added every record.
    /// </remarks>
    /// <exception cref="LeaseLostException">The run no longer holds its lease; nothing was written.</exception>
    private async Task<BatchResult?> TryAppendAsync(RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        var result = new BatchResult(records.Count, 0, 0, 0);
        await using var fenced = await FencedWrite.BeginUncheckedAsync(_database, cancellationToken);
        var (connection, transaction) = (fenced.Connection, fenced.Transaction);
        var firstSeq = await LeaseReserveCountAsync(connection, transaction, write, result, cancellationToken);
        try
        {
            await CopyToRecordsAsync((NpgsqlConnection)connection, write, records, firstSeq, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // An id of the batch is stored already: disposing the write rolls the whole attempt back.
            return null;
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Runs <see cref="LeaseReserveCountSql"/> for <paramref name="result"/>; returns the first of the positions reserved.</summary>
    /// <exception cref="LeaseLostException">The run no longer holds its lease; the command wrote nothing.</exception>
    private static async Task<long> LeaseReserveCountAsync(
        DbConnection connection, DbTransaction transaction, RecordWrite write, BatchResult result, CancellationToken cancellationToken)
    {
        await using var command = RunFencing.WithResult(connection.Command(LeaseReserveCountSql, transaction), write.Fence, write.ResultAfter(result))
            .With("c", write.ConnectionDbId).With("m", write.Model).With("n", (long)result.Added);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw RunFencing.LeaseLost(write.Fence);
        }

        await reader.NextResultAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw RunFencing.LeaseLost(write.Fence);
        }

        return reader.GetInt64(0);
    }

    private async Task CopyToRecordsAsync(
        NpgsqlConnection connection, RecordWrite write, IReadOnlyList<PreparedRecord> records, long firstSeq, CancellationToken cancellationToken)
    {
        var cipher = _cipher;
        var (connectionDbId, model, now, run) = (write.ConnectionDbId, write.Model, write.Now, write.Fence.RunId);
        await using var import = await connection.BeginBinaryImportAsync(CopyToRecordsSql, cancellationToken);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var seq = firstSeq + i;
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(connectionDbId, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(model, NpgsqlDbType.Text, cancellationToken);
            await import.WriteAsync(record.ExternalId, NpgsqlDbType.Text, cancellationToken);
            await WriteHashAndPayloadAsync(import, record, connectionDbId, model, cipher, cancellationToken);

            await import.WriteAsync(seq, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(seq, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(now, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(now, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(run, NpgsqlDbType.Bigint, cancellationToken);
            await import.WriteAsync(run, NpgsqlDbType.Bigint, cancellationToken);
        }

        var written = await import.CompleteAsync(cancellationToken);
        if (written != (ulong)records.Count)
        {
            throw new InvalidOperationException($"The COPY of {records.Count} records wrote {written} rows.");
        }
    }

    private async Task CopyToStageAsync(
        NpgsqlConnection connection, DbTransaction transaction, RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        if (_database.BulkPoolSize is null)
        {
            // No bulk pool: this connection is reset on its way back to the pool, which drops the table.
            await using var create = connection.Command(CreateStageSql, transaction);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var cipher = _cipher;
        await using var import = await connection.BeginBinaryImportAsync(CopyToStageSql, cancellationToken);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(record.ExternalId, NpgsqlDbType.Text, cancellationToken);
            await WriteHashAndPayloadAsync(import, record, write.ConnectionDbId, write.Model, cipher, cancellationToken);

            await import.WriteAsync((long)i, NpgsqlDbType.Bigint, cancellationToken);
        }

        await import.CompleteAsync(cancellationToken);
    }

    /// <summary>Runs <see cref="LeaseReserveUpsertSql"/> over the <paramref name="count"/> staged rows; returns how many were added and updated.</summary>
    /// <exception cref="LeaseLostException">The run no longer holds its lease; the command wrote nothing.</exception>
    private static async Task<(int Added, int Updated)> UpsertFromStageAsync(
        DbConnection connection, DbTransaction transaction, RecordWrite write, int count, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(LeaseReserveUpsertSql, transaction)
            .With("id", write.Fence.RunId).With("token", write.Fence.LeaseToken)
            .With("c", write.ConnectionDbId).With("m", write.Model).With("n", (long)count)
            .With("now", write.Now).With("run", write.Fence.RunId).With("guard", write.GuardSeq ?? -1L);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw RunFencing.LeaseLost(write.Fence);
        }

        await reader.NextResultAsync(cancellationToken);
        int added = 0, updated = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var outcome = reader.GetInt64(0);
            if (outcome == Added)
            {
                added++;
            }
            else if (outcome == Updated)
            {
                updated++;
            }
        }

        return (added, updated);
    }

    /// <summary>A row's hash and payload columns, as both COPYs (into the table and into the stage) write them.</summary>
    private static async Task WriteHashAndPayloadAsync(
        NpgsqlBinaryImporter import, PreparedRecord record, long connectionDbId, string model, RecordsPayloadCipher? cipher, CancellationToken cancellationToken)
    {
        if (cipher is null)
        {
            // The ingest hot path: the Sdk's plain hash and the payload's UTF-8 as the Sdk serialized it. Text's
            // binary wire format is its UTF-8, so the bytes go out as they are: decoding them into a string here
            // (PayloadJson) only for Npgsql to encode it back was two passes and a 2 KB string per ~1 KB record.
            await import.WriteAsync(record.Hash, NpgsqlDbType.Text, cancellationToken);
            await import.WriteAsync(record.PayloadUtf8, NpgsqlDbType.Text, cancellationToken);
        }
        else
        {
            await import.WriteAsync(cipher.StoredHash(record.Hash), NpgsqlDbType.Text, cancellationToken);
            await import.WriteAsync(cipher.Encrypt(record.PayloadJson, connectionDbId, model, record.ExternalId), NpgsqlDbType.Text, cancellationToken);
        }
    }
}
