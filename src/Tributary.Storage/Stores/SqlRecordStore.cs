using System.Data.Common;
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
        """;

    /// <summary>
    /// What an upsert did to a row it wrote, as <see cref="Updated"/>, <see cref="Added"/> (new, or back from deleted)
    /// or <see cref="Restored"/> (a pruned payload back in place: its old position is before the batch's first).
    /// </summary>
    private const string UpsertOutcome = "CASE WHEN seq < @first THEN 2 WHEN added_seq = seq THEN 1 ELSE 0 END";

    private const string ReserveSql = """
        INSERT INTO datasets (connection_id, model, last_seq, live_count) VALUES (@c, @m, @n, 0)
        ON CONFLICT (connection_id, model) DO UPDATE SET last_seq = datasets.last_seq + excluded.last_seq
        RETURNING last_seq
        """;

    private const string LiveCountSql = "UPDATE datasets SET live_count = live_count + @delta WHERE connection_id = @c AND model = @m";

    /// <summary><c>ignore_if_modified_after</c>: rows another run changed after the guard position are left alone.</summary>
    private const string Guard = "(@guard < 0 OR records.seq <= @guard OR records.run_id = @run)";

    private const int Updated = 0;
    private const int Added = 1;
    private const int Restored = 2;

    private readonly Database _database;
    private readonly SqlDialect _dialect;
    private readonly RecordsPayloadCipher? _cipher;

    // Built once: these run for every batch of every run.
    private readonly RowUpsert _upsert;
    private readonly string _unchangedSql;
    private readonly string _updateSql;
    private readonly string _softDeleteSql;
    private readonly string _softDeleteUnseenSql;
    private readonly string _markSeenSql;
    private readonly string _emptyRecordsSql;
    private readonly string _emptyDatasetsSql;

    public SqlRecordStore(Database database, RecordsPayloadCipher? cipher = null)
    {
        _database = database;
        _dialect = database.Dialect;
        _cipher = cipher;
        var d = _dialect;
        _upsert = new RowUpsert(
            $"""
            INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at, run_id, seen_run)
            {d.InsertRows($"@c, @m, {d.Row("e")}, {d.Row("h")}, {d.Row("p")}, {d.Row("s")}, {d.Row("s")}, @now, @now, @run, @run", "e", "h", "p", "s")}
            {UpsertSet}
            """,
            "records",
            $"connection_id = @c AND model = @m AND external_id = {d.Row("e")}",
            UpsertOutcome,
            Added);
        _unchangedSql = d.SelectFoundRows(
            "records",
            $"records.connection_id = @c AND records.model = @m AND records.external_id = {d.Row("e")} AND records.data_hash = {d.Row("h")} AND records.deleted_at IS NULL AND records.pruned_at IS NULL",
            "e",
            "h");
        _updateSql = $"""
            UPDATE records SET data_hash = {d.Row("h")}, payload = {d.Row("p")}, seq = {d.Row("s")}, updated_at = @now, pruned_at = NULL, run_id = @run, seen_run = @run
            {d.UpdateFromRows("e", "h", "p", "s", "x")}
            WHERE records.connection_id = @c AND records.model = @m AND records.external_id = {d.Row("e")}
              AND records.deleted_at IS NULL AND records.data_hash = {d.Row("x")} AND {Guard}
            {d.ReturningChanged("records.external_id")}
            """;
        _softDeleteSql = SoftDeleteSql(d, Guard);
        _softDeleteUnseenSql = SoftDeleteSql(d, Unseen);
        _markSeenSql = $"""
            UPDATE records SET seen_run = @run
            WHERE connection_id = @c AND model = @m AND {d.InList("external_id", "ids")} AND seen_run < @run
            """;
        _emptyRecordsSql = $"DELETE FROM records WHERE connection_id = @c AND {d.InList("model", "models")}";
        _emptyDatasetsSql = $"UPDATE datasets SET live_count = 0 WHERE connection_id = @c AND {d.InList("model", "models")}";
    }

    /// <summary>The unchanged-record probe's statement (<see cref="RecordWrite.ProbeUnchanged"/>), for its plan tests.</summary>
    internal string UnchangedProbeSql => _unchangedSql;

    /// <summary>Soft-deletes the batch's live rows that also match <paramref name="condition"/>; the last payload is kept.</summary>
    private static string SoftDeleteSql(SqlDialect d, string condition) => $"""
        UPDATE records SET deleted_at = @now, updated_at = @now, seq = {d.Row("s")}, run_id = @run
        {d.UpdateFromRows("e", "s")}
        WHERE records.connection_id = @c AND records.model = @m AND records.external_id = {d.Row("e")} AND records.deleted_at IS NULL AND {condition}
        {d.ReturningChanged("records.external_id")}
        """;

    /// <remarks>
    /// With <see cref="RecordWrite.ProbeUnchanged"/> the batch first reads which of its records are stored live with the
    /// same hash (one read, inside the fenced transaction) and upserts only the others: exactly the rows the upsert's
    /// WHERE would have left alone, so counts, positions and the cursor do not change — but unchanged payloads are
    /// neither bound nor compared, and a batch with nothing new reserves no positions and writes no record.
    /// </remarks>
    public async Task<BatchResult> UpsertAsync(RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            return BatchResult.Empty;
        }

        if (_dialect.LoadsBatchesByCopy)
        {
            return await StagedUpsertAsync(write, records, cancellationToken);
        }

        return await RowByRowAsync(
            write,
            async (connection, transaction) =>
            {
                var pending = write.ProbeUnchanged ? await WithoutUnchangedAsync(connection, transaction, write, records, cancellationToken) : records;
                var (added, updated) = await UpsertAllAsync(connection, transaction, write, pending, cancellationToken);
                return (added, updated, records);
            },
            cancellationToken);
    }

    public bool UpsertsWhilePrepared => !_dialect.LoadsBatchesByCopy;

    /// <remarks>
    /// The rows are stepped as the feed gets them, in the transaction <see cref="UpsertAsync"/> would use; the counts,
    /// the live count and the run's row are written once the feed is complete, and a failed feed throws out of the
    /// wait with nothing committed. With <see cref="RecordWrite.ProbeUnchanged"/> it is the stored-hash read that is
    /// stepped as the records arrive (an unchanged re-save's whole database work), and the changed records are
    /// upserted once the feed is complete, as <see cref="UpsertAsync"/> upserts them after its read.
    /// </remarks>
    public async Task<BatchResult> UpsertWhilePreparedAsync(RecordWrite write, PreparedRecordFeed records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (!UpsertsWhilePrepared)
        {
            throw new InvalidOperationException("Only a store that writes its own rows writes a batch while it is prepared.");
        }

        if (records.Capacity == 0)
        {
            records.WaitForAll(cancellationToken);
            return BatchResult.Empty;
        }

        bool Arrived(int i) => records.WaitFor(i, cancellationToken);
        return await RowByRowAsync(
            write,
            async (connection, transaction) =>
            {
                if (!write.ProbeUnchanged)
                {
                    var (added, updated) = await UpsertRowsAsync(connection, transaction, write, i => records[i], records.Capacity, Arrived, cancellationToken);
                    return (added, updated, records.WaitForAll(cancellationToken));
                }

                var unchanged = await UnchangedAsync(connection, transaction, write, i => records[i], records.Capacity, Arrived, cancellationToken);
                var all = records.WaitForAll(cancellationToken);
                var (changedAdded, changedUpdated) = await UpsertAllAsync(connection, transaction, write, Changed(all, unchanged), cancellationToken);
                return (changedAdded, changedUpdated, all);
            },
            cancellationToken);
    }

    /// <summary>
    /// A batch upserted row by row in one fenced transaction: <paramref name="upsert"/> writes the rows and says how many
    /// it added and updated out of which records; then the seen marks, the live count, the run's counts and the commit.
    /// </summary>
    private async Task<BatchResult> RowByRowAsync(
        RecordWrite write,
        Func<DbConnection, DbTransaction, Task<(int Added, int Updated, IReadOnlyList<PreparedRecord> Records)>> upsert,
        CancellationToken cancellationToken)
    {
        await using var fenced = await FencedWrite.BeginAsync(_database, write.Fence, cancellationToken);
        var (connection, transaction) = (fenced.Connection, fenced.Transaction);
        var (added, updated, records) = await upsert(connection, transaction);
        if (write.MarkSeen)
        {
            await MarkSeenAsync(connection, transaction, write, records, cancellationToken);
        }

        var result = new BatchResult(added, updated, 0, records.Count - added - updated);
        await FinishAsync(connection, transaction, write, result, cancellationToken);
        return result;
    }

    /// <summary>
    /// Which of the records <paramref name="record"/> gives for 0, 1, … <paramref name="count"/> − 1 are stored live
    /// with the same content: one read inside the fenced transaction, row <c>i</c> once <paramref name="available"/>
    /// (when given) says it is there.
    /// </summary>
    private Task<bool[]> UnchangedAsync(
        DbConnection connection,
        DbTransaction transaction,
        RecordWrite write,
        Func<int, PreparedRecord> record,
        int count,
        Func<int, bool>? available,
        CancellationToken cancellationToken)
    {
        var batch = new RowBatch(count)
            .Shared("c", write.ConnectionDbId).Shared("m", write.Model)
            .Text("e", i => record(i).ExternalId);
        if (_cipher is { } cipher)
        {
            batch.Text("h", i => cipher.StoredHash(record(i).Hash));
        }
        else
        {
            batch.Text("h", i => record(i).Hash);
        }

        return _dialect.ExecuteRowsFoundAsync(connection, transaction, _unchangedSql, batch, cancellationToken, available);
    }

    /// <summary>Upserts <paramref name="pending"/> in order; returns how many were added and updated.</summary>
    private async Task<(int Added, int Updated)> UpsertAllAsync(
        DbConnection connection, DbTransaction transaction, RecordWrite write, IReadOnlyList<PreparedRecord> pending, CancellationToken cancellationToken) =>
        pending.Count == 0
            ? (0, 0)
            : await UpsertRowsAsync(connection, transaction, write, i => pending[i], pending.Count, null, cancellationToken);

    /// <summary>The records not stored live with the same content, in batch order (<paramref name="records"/> itself when none is).</summary>
    private async Task<IReadOnlyList<PreparedRecord>> WithoutUnchangedAsync(
        DbConnection connection, DbTransaction transaction, RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken) =>
        Changed(records, await UnchangedAsync(connection, transaction, write, i => records[i], records.Count, null, cancellationToken));

    private static IReadOnlyList<PreparedRecord> Changed(IReadOnlyList<PreparedRecord> records, bool[] unchanged)
    {
        if (Array.IndexOf(unchanged, true) < 0)
        {
            return records;
        }

        var changed = new List<PreparedRecord>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            if (!unchanged[i])
            {
                changed.Add(records[i]);
            }
        }

        return changed;
    }

    /// <summary>
    /// Reserves <paramref name="capacity"/> positions and upserts the records <paramref name="record"/> gives for 0, 1, …
    /// while <paramref name="available"/> (when given) says there is one; returns how many were added and updated.
    /// </summary>
    private async Task<(int Added, int Updated)> UpsertRowsAsync(
        DbConnection connection,
        DbTransaction transaction,
        RecordWrite write,
        Func<int, PreparedRecord> record,
        int capacity,
        Func<int, bool>? available,
        CancellationToken cancellationToken)
    {
        var firstSeq = await ReserveSequenceAsync(connection, transaction, write, capacity, cancellationToken);
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

        Func<int, string> hash, payload;
        if (_cipher is { } cipher)
        {
            hash = i => cipher.StoredHash(record(i).Hash);
            payload = i => cipher.Encrypt(record(i).PayloadJson, write.ConnectionDbId, write.Model, record(i).ExternalId);
        }
        else
        {
            // The ingest hot path: the Sdk's plain hash and the payload as they are, no per-record branch.
            hash = i => record(i).Hash;
            payload = i => record(i).PayloadJson;
        }

        var batch = Target(new RowBatch(capacity), write)
            .Shared("guard", write.GuardSeq ?? -1L)
            .Shared("first", firstSeq)
            .Text("e", i => record(i).ExternalId)
            .Int64("s", i => firstSeq + i)
            .Text("h", hash);
        if (_cipher is null)
        {
            // The payload as the SDK serialized it: SQLite stores that UTF-8, with no text decoded or encoded here.
            batch.Utf8Text("p", i => record(i).PayloadUtf8);
        }
        else
        {
            batch.Text("p", payload);
        }

        await _dialect.ExecuteUpsertRowsAsync(connection, transaction, _upsert, batch, Count, cancellationToken, available);
        return (added, updated);
    }

    public async Task<IReadOnlyList<string>> UpdateAsync(RecordWrite write, IReadOnlyList<RecordUpdate> records, CancellationToken cancellationToken)
    {
        var written = new List<string>();
        await InBatchAsync(write, records.Count, async (connection, transaction, firstSeq) =>
        {
            var batch = Target(new RowBatch(records.Count), write)
                .Shared("guard", write.GuardSeq ?? -1L)
                .Text("e", i => records[i].Record.ExternalId)
                .Int64("s", i => firstSeq + i)
                .Text("x", i => records[i].ExpectedHash);
            if (_cipher is { } cipher)
            {
                batch.Text("h", i => cipher.StoredHash(records[i].Record.Hash))
                    .Text("p", i => cipher.Encrypt(records[i].Record.PayloadJson, write.ConnectionDbId, write.Model, records[i].Record.ExternalId));
            }
            else
            {
                batch.Text("h", i => records[i].Record.Hash).Text("p", i => records[i].Record.PayloadJson);
            }

            written = await _dialect.ExecuteRowsChangedAsync(connection, transaction, _updateSql, batch, "e", cancellationToken);
            return new BatchResult(0, written.Count, 0, records.Count - written.Count);
        },
        cancellationToken);
        return written;
    }

    public Task<BatchResult> DeleteAsync(RecordWrite write, IReadOnlyList<string> externalIds, CancellationToken cancellationToken) =>
        InBatchAsync(write, externalIds.Count, async (connection, transaction, firstSeq) =>
        {
            var deleted = await SoftDeleteAsync(connection, transaction, _softDeleteSql, write, externalIds, firstSeq, ("guard", write.GuardSeq ?? -1L), cancellationToken);
            return new BatchResult(0, 0, deleted.Count, externalIds.Count - deleted.Count);
        },
        cancellationToken);

    /// <summary>
    /// One batch of a run's record writes: a fenced transaction with <paramref name="count"/> sequence numbers reserved
    /// (<paramref name="body"/> gets the first), then the live count, the run's result and the commit. An empty batch
    /// writes nothing.
    /// </summary>
    private async Task<BatchResult> InBatchAsync(
        RecordWrite write,
        int count,
        Func<DbConnection, DbTransaction, long, Task<BatchResult>> body,
        CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return BatchResult.Empty;
        }

        await using var fenced = await FencedWrite.BeginAsync(_database, write.Fence, cancellationToken);
        var firstSeq = await ReserveSequenceAsync(fenced.Connection, fenced.Transaction, write, count, cancellationToken);
        var result = await body(fenced.Connection, fenced.Transaction, firstSeq);
        await FinishAsync(fenced.Connection, fenced.Transaction, write, result, cancellationToken);
        return result;
    }

    public async Task<bool> EmptyForRunAsync(RunFence fence, long connectionDbId, IReadOnlyList<string> models, long now, CancellationToken cancellationToken)
    {
        FencedWrite fenced;
        try
        {
            fenced = await FencedWrite.BeginAsync(_database, fence, cancellationToken);
        }
        catch (LeaseLostException)
        {
            return false;
        }

        await using var owned = fenced;
        var (connection, transaction) = (fenced.Connection, fenced.Transaction);
        await using (var command = connection.Command(_emptyRecordsSql, transaction)
            .With("c", connectionDbId).WithList(_dialect, "models", models))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var command = connection.Command(_emptyDatasetsSql, transaction)
            .With("c", connectionDbId).WithList(_dialect, "models", models))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // Marked in the same transaction as the delete: a retry of this run never empties the cache again.
        await RunFencing.CountProgressAsync(connection, transaction, fence, ", empty_cache_done = 1", cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Runs a soft delete (<paramref name="sql"/>, see <see cref="SoftDeleteSql"/>) over <paramref name="externalIds"/>, whose
    /// condition takes the one parameter <paramref name="conditionValue"/>, giving the i-th id sequence number <paramref name="firstSeq"/> + i.
    /// </summary>
    /// <returns>The ids deleted.</returns>
    private Task<List<string>> SoftDeleteAsync(
        DbConnection connection,
        DbTransaction transaction,
        string sql,
        RecordWrite write,
        IReadOnlyList<string> externalIds,
        long firstSeq,
        (string Name, long Value) conditionValue,
        CancellationToken cancellationToken)
    {
        var batch = Target(new RowBatch(externalIds.Count), write)
            .Shared(conditionValue.Name, conditionValue.Value)
            .Text("e", i => externalIds[i])
            .Int64("s", i => firstSeq + i);
        return _dialect.ExecuteRowsChangedAsync(connection, transaction, sql, batch, "e", cancellationToken);
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

        await using var command = connection.Command(_markSeenSql, transaction)
            .With("c", write.ConnectionDbId).With("m", write.Model).With("run", write.Fence.RunId).WithList(_dialect, "ids", ids);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public string StoredHash(string contentHash) => _cipher?.StoredHash(contentHash) ?? contentHash;

    /// <summary>The plaintext of a stored payload of row (<paramref name="connectionDbId"/>, <paramref name="model"/>, <paramref name="externalId"/>).</summary>
    private string Unprotect(string stored, long connectionDbId, string model, string externalId) =>
        _cipher?.Decrypt(stored, connectionDbId, model, externalId) ?? RecordsPayloadCipher.Unprotected(stored);

    private static RowBatch Target(RowBatch batch, RecordWrite write) =>
        batch.Shared("c", write.ConnectionDbId).Shared("m", write.Model).Shared("now", write.Now).Shared("run", write.Fence.RunId);

    /// <summary>Reserves <paramref name="count"/> sequence numbers; the row lock it takes is held to commit.</summary>
    /// <remarks>
    /// One statement (it was an <c>INSERT … DO NOTHING</c> to create the dataset row, then the <c>UPDATE</c>): a new
    /// dataset's row is created holding the batch's positions, an existing one advanced; the same row lock either way.
    /// Every statement of a batch is a round trip during which the batch holds the dataset's lock and its run's row.
    /// </remarks>
    private static async Task<long> ReserveSequenceAsync(
        DbConnection connection, DbTransaction transaction, RecordWrite write, int count, CancellationToken cancellationToken)
    {
        await using var reserve = connection.Command(ReserveSql, transaction)
            .With("n", (long)count).With("c", write.ConnectionDbId).With("m", write.Model);
        return await reserve.ScalarInt64Async(cancellationToken) - count + 1;
    }

    /// <summary>The live count and the run's counts in one command (one round trip), then the commit.</summary>
    private static async Task FinishAsync(DbConnection connection, DbTransaction transaction, RecordWrite write, BatchResult result, CancellationToken cancellationToken)
    {
        var delta = result.Added - result.Deleted;
        var sql = delta == 0 ? RunFencing.SaveResultSql : $"{LiveCountSql};\n{RunFencing.SaveResultSql}";
        await using (var command = RunFencing.WithResult(connection.Command(sql, transaction), write.Fence, write.ResultAfter(result)))
        {
            if (delta != 0)
            {
                command.With("delta", (long)delta).With("c", write.ConnectionDbId).With("m", write.Model);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
