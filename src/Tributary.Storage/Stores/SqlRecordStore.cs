using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// The records cache. Each batch is one fenced transaction: lease check, a block of sequence numbers
/// reserved on the dataset row (a per-dataset lock held to commit, so cursor order is commit order), one
/// upsert that rewrites only new or changed rows, the live count and the run's counts.
/// </summary>
/// <remarks>
/// Reads are in <c>SqlRecordsReading.cs</c>; pruning and deletion detection in <c>SqlRecordsMaintenance.cs</c>.
/// Every statement that changes what readers see takes its sequence numbers through
/// <see cref="ReserveSequenceAsync"/>; statements that do not (marking seen, pruning) leave <c>seq</c> alone.
/// </remarks>
internal sealed partial class SqlRecordStore : IRecordStore
{
    /// <summary>
    /// A pruned record saved with unchanged content gets its payload back in place: same position, same
    /// metadata, counted unchanged (readers already consumed that version). <c>R</c> below is that case.
    /// </summary>
    private const string UpsertSet = """
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
        RETURNING CASE WHEN seq < @first THEN 2 WHEN added_seq = seq THEN 1 ELSE 0 END
        """;

    /// <summary><c>ignore_if_modified_after</c>: rows another run changed after the guard position are left alone.</summary>
    private const string Guard = "(@guard < 0 OR records.seq <= @guard OR records.run_id = @run)";

    private const int Updated = 0;
    private const int Added = 1;
    private const int Restored = 2;

    private readonly Database _database;
    private readonly RecordsPayloadCipher? _cipher;

    public SqlRecordStore(Database database, RecordsPayloadCipher? cipher = null)
    {
        _database = database;
        _cipher = cipher;
    }

    public async Task<BatchResult> UpsertAsync(RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return BatchResult.Empty;
        }

        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await RunFencing.EnsureLeaseAsync(connection, transaction, write.Fence, cancellationToken);
        var firstSeq = await ReserveSequenceAsync(connection, transaction, write, records.Count, cancellationToken);
        int added = 0, updated = 0;
        void Count(long outcome)
        {
            if (outcome == Added)
            {
                added++;
            }
            else if (outcome == Updated)
            {
                updated++;
            }
        }

        if (_database.IsPostgres)
        {
            var sql = $"""
                INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at, run_id, seen_run)
                SELECT @c, @m, u.e, u.h, u.p, u.s, u.s, @now, @now, @run, @run FROM unnest(@e, @h, @p, @s) AS u(e, h, p, s)
                {UpsertSet}
                """;
            var ids = new string[records.Count];
            var hashes = new string[records.Count];
            var payloads = new string[records.Count];
            var seqs = new long[records.Count];
            for (var i = 0; i < records.Count; i++)
            {
                ids[i] = records[i].ExternalId;
                hashes[i] = records[i].Hash;
                payloads[i] = Protect(records[i].PayloadJson);
                seqs[i] = firstSeq + i;
            }

            await using var command = (NpgsqlCommand)connection.Command(sql, transaction);
            AddTarget(command, write);
            AddGuard(command, write);
            command.With("first", firstSeq);
            command.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
            command.Parameters.Add(new NpgsqlParameter("h", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = hashes });
            command.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = payloads });
            command.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = seqs });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Count(reader.GetInt32(0));
            }
        }
        else
        {
            // SQLite: one statement run per row inside the transaction is its fastest bulk path.
            using var statement = SqliteRowStatement.Prepare((SqliteConnection)connection, $"""
                INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at, run_id, seen_run)
                VALUES (@c, @m, @e, @h, @p, @s, @s, @now, @now, @run, @run)
                {UpsertSet}
                """);
            BindTarget(statement, write).Bind("guard", write.GuardSeq ?? -1L).Bind("first", firstSeq);
            int e = statement.Parameter("e"), h = statement.Parameter("h"), p = statement.Parameter("p"), s = statement.Parameter("s");
            for (var i = 0; i < records.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                statement.Bind(e, records[i].ExternalId);
                statement.Bind(h, records[i].Hash);
                statement.Bind(p, Protect(records[i].PayloadJson));
                statement.Bind(s, firstSeq + i);
                if (statement.ExecuteScalarInt64() is { } outcome)
                {
                    Count(outcome);
                }
            }
        }

        if (write.MarkSeen)
        {
            await MarkSeenAsync(connection, transaction, write, records, cancellationToken);
        }

        var result = new BatchResult(added, updated, 0, records.Count - added - updated);
        await FinishAsync(connection, transaction, write, result, cancellationToken);
        return result;
    }

    public async Task<IReadOnlyList<string>> UpdateAsync(RecordWrite write, IReadOnlyList<RecordUpdate> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return [];
        }

        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await RunFencing.EnsureLeaseAsync(connection, transaction, write.Fence, cancellationToken);
        var firstSeq = await ReserveSequenceAsync(connection, transaction, write, records.Count, cancellationToken);
        var written = new List<string>(records.Count);
        if (_database.IsPostgres)
        {
            var ids = new string[records.Count];
            var hashes = new string[records.Count];
            var payloads = new string[records.Count];
            var seqs = new long[records.Count];
            var expected = new string[records.Count];
            for (var i = 0; i < records.Count; i++)
            {
                ids[i] = records[i].Record.ExternalId;
                hashes[i] = records[i].Record.Hash;
                payloads[i] = Protect(records[i].Record.PayloadJson);
                seqs[i] = firstSeq + i;
                expected[i] = records[i].ExpectedHash;
            }

            await using var command = (NpgsqlCommand)connection.Command($"""
                UPDATE records SET data_hash = u.h, payload = u.p, seq = u.s, updated_at = @now, pruned_at = NULL, run_id = @run, seen_run = @run
                FROM unnest(@e, @h, @p, @s, @x) AS u(e, h, p, s, x)
                WHERE records.connection_id = @c AND records.model = @m AND records.external_id = u.e
                  AND records.deleted_at IS NULL AND records.data_hash = u.x AND {Guard}
                RETURNING records.external_id
                """, transaction);
            AddTarget(command, write);
            AddGuard(command, write);
            command.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
            command.Parameters.Add(new NpgsqlParameter("h", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = hashes });
            command.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = payloads });
            command.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = seqs });
            command.Parameters.Add(new NpgsqlParameter("x", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = expected });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                written.Add(reader.GetString(0));
            }
        }
        else
        {
            using var statement = SqliteRowStatement.Prepare((SqliteConnection)connection, $"""
                UPDATE records SET data_hash = @h, payload = @p, seq = @s, updated_at = @now, pruned_at = NULL, run_id = @run, seen_run = @run
                WHERE connection_id = @c AND model = @m AND external_id = @e AND deleted_at IS NULL AND data_hash = @x AND {Guard}
                """);
            BindTarget(statement, write).Bind("guard", write.GuardSeq ?? -1L);
            int e = statement.Parameter("e"), h = statement.Parameter("h"), p = statement.Parameter("p"), s = statement.Parameter("s"), x = statement.Parameter("x");
            for (var i = 0; i < records.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                statement.Bind(e, records[i].Record.ExternalId);
                statement.Bind(h, records[i].Record.Hash);
                statement.Bind(p, Protect(records[i].Record.PayloadJson));
                statement.Bind(s, firstSeq + i);
                statement.Bind(x, records[i].ExpectedHash);
                if (statement.Execute() == 1)
                {
                    written.Add(records[i].Record.ExternalId);
                }
            }
        }

        await FinishAsync(connection, transaction, write, new BatchResult(0, written.Count, 0, records.Count - written.Count), cancellationToken);
        return written;
    }

    public async Task<BatchResult> DeleteAsync(RecordWrite write, IReadOnlyList<string> externalIds, CancellationToken cancellationToken)
    {
        if (externalIds.Count == 0)
        {
            return BatchResult.Empty;
        }

        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await RunFencing.EnsureLeaseAsync(connection, transaction, write.Fence, cancellationToken);
        var firstSeq = await ReserveSequenceAsync(connection, transaction, write, externalIds.Count, cancellationToken);
        var deleted = await SoftDeleteAsync(connection, transaction, write, externalIds, firstSeq, Guard, ("guard", write.GuardSeq ?? -1L), cancellationToken);
        var result = new BatchResult(0, 0, deleted.Count, externalIds.Count - deleted.Count);
        await FinishAsync(connection, transaction, write, result, cancellationToken);
        return result;
    }

    public async Task<bool> EmptyForRunAsync(RunFence fence, long connectionDbId, IReadOnlyList<string> models, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        try
        {
            await RunFencing.EnsureLeaseAsync(connection, transaction, fence, cancellationToken);
        }
        catch (LeaseLostException)
        {
            return false;
        }

        await using (var command = connection.Command(
            $"DELETE FROM records WHERE connection_id = @c AND {SqlLists.In(_database, "model", "models")}", transaction)
            .With("c", connectionDbId).WithList("models", models))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = connection.Command(
            $"UPDATE datasets SET live_count = 0 WHERE connection_id = @c AND {SqlLists.In(_database, "model", "models")}", transaction)
            .With("c", connectionDbId).WithList("models", models))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // Marked in the same transaction as the delete: a retry of this run never empties the cache again.
        await using (var command = connection.Command("UPDATE runs SET empty_cache_done = 1 WHERE id = @id AND lease_token = @token", transaction)
            .With("id", fence.RunId).With("token", fence.LeaseToken))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Soft-deletes the live rows among <paramref name="externalIds"/> that also match <paramref name="condition"/>
    /// (whose one parameter is <paramref name="conditionValue"/>), giving the i-th id sequence number <paramref name="firstSeq"/> + i; the last payload is kept.
    /// </summary>
    /// <returns>The ids deleted.</returns>
    private async Task<List<string>> SoftDeleteAsync(
        DbConnection connection,
        DbTransaction transaction,
        RecordWrite write,
        IReadOnlyList<string> externalIds,
        long firstSeq,
        string condition,
        (string Name, long Value) conditionValue,
        CancellationToken cancellationToken)
    {
        var deleted = new List<string>(externalIds.Count);
        if (_database.IsPostgres)
        {
            var seqs = new long[externalIds.Count];
            for (var i = 0; i < seqs.Length; i++)
            {
                seqs[i] = firstSeq + i;
            }

            await using var command = (NpgsqlCommand)connection.Command($"""
                UPDATE records SET deleted_at = @now, updated_at = @now, seq = u.s, run_id = @run
                FROM unnest(@e, @s) AS u(e, s)
                WHERE records.connection_id = @c AND records.model = @m AND records.external_id = u.e AND records.deleted_at IS NULL AND {condition}
                RETURNING records.external_id
                """, transaction);
            AddTarget(command, write);
            command.With(conditionValue.Name, conditionValue.Value);
            command.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = externalIds.ToArray() });
            command.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = seqs });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                deleted.Add(reader.GetString(0));
            }
        }
        else
        {
            using var statement = SqliteRowStatement.Prepare((SqliteConnection)connection, $"""
                UPDATE records SET deleted_at = @now, updated_at = @now, seq = @s, run_id = @run
                WHERE connection_id = @c AND model = @m AND external_id = @e AND deleted_at IS NULL AND {condition}
                """);
            BindTarget(statement, write).Bind(conditionValue.Name, conditionValue.Value);
            int e = statement.Parameter("e"), s = statement.Parameter("s");
            for (var i = 0; i < externalIds.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                statement.Bind(e, externalIds[i]);
                statement.Bind(s, firstSeq + i);
                if (statement.Execute() == 1)
                {
                    deleted.Add(externalIds[i]);
                }
            }
        }

        return deleted;
    }

    /// <summary>
    /// Deletion detection: the batch's records that the upsert left alone (unchanged) are marked seen by this run.
    /// Only <c>seen_run</c> changes — no payload rewrite, no new position — and rows already marked are skipped.
    /// </summary>
    private async Task MarkSeenAsync(DbConnection connection, DbTransaction transaction, RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        var ids = new string[records.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = records[i].ExternalId;
        }

        await using var command = connection.Command($"""
            UPDATE records SET seen_run = @run
            WHERE connection_id = @c AND model = @m AND {SqlLists.In(_database, "external_id", "ids")} AND seen_run < @run
            """, transaction).With("c", write.ConnectionDbId).With("m", write.Model).With("run", write.Fence.RunId).WithList("ids", ids);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private string Protect(string payload) => _cipher?.Encrypt(payload) ?? payload;

    private string Unprotect(string stored) => _cipher?.Decrypt(stored) ?? RecordsPayloadCipher.Unprotected(stored);

    private static void AddTarget(DbCommand command, RecordWrite write) =>
        command.With("c", write.ConnectionDbId).With("m", write.Model).With("now", write.Now).With("run", write.Fence.RunId);

    private static void AddGuard(DbCommand command, RecordWrite write) => command.With("guard", write.GuardSeq ?? -1L);

    private static SqliteRowStatement BindTarget(SqliteRowStatement statement, RecordWrite write) =>
        statement.Bind("c", write.ConnectionDbId).Bind("m", write.Model).Bind("now", write.Now).Bind("run", write.Fence.RunId);

    /// <summary>Reserves <paramref name="count"/> sequence numbers; the row lock it takes is held to commit.</summary>
    private static async Task<long> ReserveSequenceAsync(DbConnection connection, DbTransaction transaction, RecordWrite write, int count, CancellationToken cancellationToken)
    {
        await using (var ensure = connection.Command(
            "INSERT INTO datasets (connection_id, model, last_seq, live_count) VALUES (@c, @m, 0, 0) ON CONFLICT (connection_id, model) DO NOTHING", transaction)
            .With("c", write.ConnectionDbId).With("m", write.Model))
        {
            await ensure.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var reserve = connection.Command(
            "UPDATE datasets SET last_seq = last_seq + @n WHERE connection_id = @c AND model = @m RETURNING last_seq", transaction)
            .With("n", (long)count).With("c", write.ConnectionDbId).With("m", write.Model);
        var last = await reserve.ScalarInt64Async(cancellationToken);
        return last - count + 1;
    }

    private static async Task FinishAsync(DbConnection connection, DbTransaction transaction, RecordWrite write, BatchResult result, CancellationToken cancellationToken)
    {
        var delta = result.Added - result.Deleted;
        if (delta != 0)
        {
            await using var count = connection.Command(
                "UPDATE datasets SET live_count = live_count + @delta WHERE connection_id = @c AND model = @m", transaction)
                .With("delta", (long)delta).With("c", write.ConnectionDbId).With("m", write.Model);
            await count.ExecuteNonQueryAsync(cancellationToken);
        }

        await RunFencing.SaveResultAsync(connection, transaction, write.Fence, write.ResultAfter(result), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
