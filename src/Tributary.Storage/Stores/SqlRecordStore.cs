using System.Data.Common;
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
internal sealed class SqlRecordStore : IRecordStore
{
    private const string UpsertSet = """
        ON CONFLICT (connection_id, model, external_id) DO UPDATE SET
            data_hash = excluded.data_hash,
            payload = excluded.payload,
            seq = excluded.seq,
            added_seq = CASE WHEN records.deleted_at IS NOT NULL THEN excluded.seq ELSE records.added_seq END,
            created_at = CASE WHEN records.deleted_at IS NOT NULL THEN excluded.created_at ELSE records.created_at END,
            updated_at = excluded.updated_at,
            deleted_at = NULL,
            pruned_at = NULL,
            run_id = excluded.run_id
        WHERE records.data_hash <> excluded.data_hash OR records.deleted_at IS NOT NULL OR records.pruned_at IS NOT NULL
        RETURNING added_seq = seq
        """;

    private readonly Database _database;

    public SqlRecordStore(Database database)
    {
        _database = database;
    }

    public async Task<BatchResult> UpsertAsync(RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return BatchResult.Empty;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await RunFencing.EnsureLeaseAsync(connection, transaction, write.Fence, cancellationToken);
        var firstSeq = await ReserveSequenceAsync(connection, transaction, write, records.Count, cancellationToken);
        int added = 0, updated = 0;
        if (_database.IsPostgres)
        {
            var sql = $"""
                INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at, run_id)
                SELECT @c, @m, u.e, u.h, u.p, u.s, u.s, @now, @now, @run FROM unnest(@e, @h, @p, @s) AS u(e, h, p, s)
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
                payloads[i] = records[i].PayloadJson;
                seqs[i] = firstSeq + i;
            }

            await using var command = (NpgsqlCommand)connection.Command(sql, transaction);
            AddTarget(command, write);
            command.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
            command.Parameters.Add(new NpgsqlParameter("h", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = hashes });
            command.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = payloads });
            command.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = seqs });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (reader.GetBoolean(0))
                {
                    added++;
                }
                else
                {
                    updated++;
                }
            }
        }
        else
        {
            // SQLite: one prepared statement reused per row inside the transaction is its fastest bulk path.
            var sql = $"""
                INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at, run_id)
                VALUES (@c, @m, @e, @h, @p, @s, @s, @now, @now, @run)
                {UpsertSet}
                """;
            await using var command = connection.Command(sql, transaction);
            AddTarget(command, write);
            var e = command.Parameter("e");
            var h = command.Parameter("h");
            var p = command.Parameter("p");
            var s = command.Parameter("s");
            await command.PrepareAsync(cancellationToken);
            for (var i = 0; i < records.Count; i++)
            {
                e.Value = records[i].ExternalId;
                h.Value = records[i].Hash;
                p.Value = records[i].PayloadJson;
                s.Value = firstSeq + i;
                var isAdded = await command.ExecuteScalarAsync(cancellationToken);
                if (isAdded is null)
                {
                    continue;
                }

                if (Convert.ToInt64(isAdded, System.Globalization.CultureInfo.InvariantCulture) != 0)
                {
                    added++;
                }
                else
                {
                    updated++;
                }
            }
        }

        var result = new BatchResult(added, updated, 0, records.Count - added - updated);
        await FinishAsync(connection, transaction, write, result, cancellationToken);
        return result;
    }

    public async Task<BatchResult> DeleteAsync(RecordWrite write, IReadOnlyList<string> externalIds, CancellationToken cancellationToken)
    {
        if (externalIds.Count == 0)
        {
            return BatchResult.Empty;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await RunFencing.EnsureLeaseAsync(connection, transaction, write.Fence, cancellationToken);
        var firstSeq = await ReserveSequenceAsync(connection, transaction, write, externalIds.Count, cancellationToken);
        var deleted = 0;
        if (_database.IsPostgres)
        {
            var seqs = new long[externalIds.Count];
            for (var i = 0; i < seqs.Length; i++)
            {
                seqs[i] = firstSeq + i;
            }

            await using var command = (NpgsqlCommand)connection.Command("""
                UPDATE records SET deleted_at = @now, updated_at = @now, seq = u.s, run_id = @run
                FROM unnest(@e, @s) AS u(e, s)
                WHERE records.connection_id = @c AND records.model = @m AND records.external_id = u.e AND records.deleted_at IS NULL
                """, transaction);
            AddTarget(command, write);
            command.Parameters.Add(new NpgsqlParameter("e", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = externalIds.ToArray() });
            command.Parameters.Add(new NpgsqlParameter("s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = seqs });
            deleted = await command.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await using var command = connection.Command("""
                UPDATE records SET deleted_at = @now, updated_at = @now, seq = @s, run_id = @run
                WHERE connection_id = @c AND model = @m AND external_id = @e AND deleted_at IS NULL
                """, transaction);
            AddTarget(command, write);
            var e = command.Parameter("e");
            var s = command.Parameter("s");
            await command.PrepareAsync(cancellationToken);
            for (var i = 0; i < externalIds.Count; i++)
            {
                e.Value = externalIds[i];
                s.Value = firstSeq + i;
                deleted += await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        var result = new BatchResult(0, 0, deleted, externalIds.Count - deleted);
        await FinishAsync(connection, transaction, write, result, cancellationToken);
        return result;
    }

    public async Task<IReadOnlyDictionary<string, string>> GetLivePayloadsAsync(long connectionDbId, string model, IReadOnlyList<string> externalIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (externalIds.Count == 0)
        {
            return result;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT external_id, payload FROM records
            WHERE connection_id = @c AND model = @m AND deleted_at IS NULL AND {SqlLists.In(_database, "external_id", "ids")}
            """).With("c", connectionDbId).With("m", model).WithList("ids", externalIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result[reader.GetString(0)] = reader.GetString(1);
        }

        return result;
    }

    public async Task<bool> EmptyForRunAsync(RunFence fence, long connectionDbId, IReadOnlyList<string> models, long now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
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

    public async Task<RecordPage> ReadPageAsync(RecordPageQuery query, CancellationToken cancellationToken)
    {
        var conditions = new List<string> { "connection_id = @c", "model = @m" };
        if (query.AfterSeq is not null)
        {
            conditions.Add("seq > @after");
        }

        if (query.ModifiedAfter is not null)
        {
            conditions.Add("updated_at >= @modified");
        }

        if (query.Filter != RecordFilter.None)
        {
            // Our fix: combined filters are the union of the actions (Nango drops deleted rows from
            // `updated,deleted` and `added,deleted`).
            var any = new List<string>();
            if (query.Filter.HasFlag(RecordFilter.Added))
            {
                any.Add("(deleted_at IS NULL AND added_seq = seq)");
            }

            if (query.Filter.HasFlag(RecordFilter.Updated))
            {
                any.Add("(deleted_at IS NULL AND added_seq <> seq)");
            }

            if (query.Filter.HasFlag(RecordFilter.Deleted))
            {
                any.Add("deleted_at IS NOT NULL");
            }

            conditions.Add("(" + string.Join(" OR ", any) + ")");
        }

        if (query.Ids.Count > 0)
        {
            conditions.Add(SqlLists.In(_database, "external_id", "ids"));
        }

        var sql = $"""
            SELECT external_id, payload, seq, added_seq, created_at, updated_at, deleted_at, pruned_at FROM records
            WHERE {string.Join(" AND ", conditions)}
            ORDER BY seq
            LIMIT @limit
            """;
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(sql)
            .With("c", query.ConnectionDbId)
            .With("m", query.Model)
            .With("limit", (long)query.Limit + 1);
        if (query.AfterSeq is { } after)
        {
            command.With("after", after);
        }

        if (query.ModifiedAfter is { } modified)
        {
            command.With("modified", modified);
        }

        if (query.Ids.Count > 0)
        {
            command.WithList("ids", query.Ids);
        }

        var rows = new List<StoredRecord>(Math.Min(query.Limit + 1, 1024));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new StoredRecord(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetInt64(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetNullableInt64(6),
                reader.GetNullableInt64(7)));
        }

        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        return new RecordPage(rows, hasMore);
    }

    public async Task<IReadOnlyDictionary<string, long>> CountLiveAsync(long connectionDbId, IReadOnlyList<string> models, CancellationToken cancellationToken)
    {
        var counts = models.ToDictionary(m => m, _ => 0L, StringComparer.Ordinal);
        if (models.Count == 0)
        {
            return counts;
        }

        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT model, live_count FROM datasets WHERE connection_id = @c AND {SqlLists.In(_database, "model", "models")}")
            .With("c", connectionDbId).WithList("models", models);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private static void AddTarget(DbCommand command, RecordWrite write) =>
        command.With("c", write.ConnectionDbId).With("m", write.Model).With("now", write.Now).With("run", write.Fence.RunId);

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
