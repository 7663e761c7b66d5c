using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Deletion detection and pruning.</summary>
internal sealed partial class SqlRecordStore
{
    private const string Unseen = "records.seen_run < @since";

    /// <summary>Pruned rows keep their hash, metadata and position; only the payload text goes.</summary>
    private const string PruneSet = "payload = '', pruned_at = @now";

    public async Task<UnseenDeletion> DeleteUnseenAsync(RecordWrite write, long seenSince, string afterExternalId, int limit, CancellationToken cancellationToken)
    {
        await using var fenced = await FencedWrite.BeginAsync(_database, write.Fence, cancellationToken);
        var (connection, transaction) = (fenced.Connection, fenced.Transaction);

        // Keyset scan on the (connection, model, external_id) unique index: each batch starts where the last stopped.
        var candidates = new List<string>(Math.Min(limit, 1024));
        await using (var select = connection.Command($"""
            SELECT external_id FROM records
            WHERE connection_id = @c AND model = @m AND external_id > @after AND deleted_at IS NULL AND {Unseen}
            ORDER BY external_id
            {_dialect.Limit("limit")}
            """, transaction)
            .With("c", write.ConnectionDbId).With("m", write.Model).With("after", afterExternalId).With("since", seenSince).With("limit", (long)limit))
        {
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                candidates.Add(reader.GetString(0));
            }
        }

        if (candidates.Count == 0)
        {
            // A scan that found nothing to delete still counts as the attempt's progress, as every fenced write does.
            await RunFencing.CountProgressAsync(connection, transaction, write.Fence, string.Empty, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new UnseenDeletion([], afterExternalId, HasMore: false);
        }

        // The condition is checked again under the dataset lock: a record saved since the scan is not deleted.
        var firstSeq = await ReserveSequenceAsync(connection, transaction, write, candidates.Count, cancellationToken);
        var deleted = await SoftDeleteAsync(connection, transaction, _softDeleteUnseenSql, write, candidates, firstSeq, ("since", seenSince), cancellationToken);
        await FinishAsync(connection, transaction, write, new BatchResult(0, 0, deleted.Count, 0), cancellationToken);
        return new UnseenDeletion(deleted, candidates[^1], HasMore: candidates.Count == limit);
    }

    public async Task<PruneResult> PruneAsync(long connectionDbId, string model, long untilSeq, int limit, long now, CancellationToken cancellationToken)
    {
        // The outer conditions repeat the inner ones: on PostgreSQL a row rewritten between the two (new payload,
        // new position past the cursor) is re-checked against them and left alone.
        var sql = $"""
            UPDATE records SET {PruneSet}
            WHERE id IN (
                SELECT id FROM records
                WHERE connection_id = @c AND model = @m AND seq <= @until AND pruned_at IS NULL
                ORDER BY seq
                {_dialect.Limit("limit")})
              AND seq <= @until AND pruned_at IS NULL
            RETURNING seq
            """;
        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using var command = connection.Command(sql, transaction)
            .With("now", now).With("c", connectionDbId).With("m", model).With("until", untilSeq).With("limit", (long)limit);
        var count = 0;
        long? last = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                count++;
                var seq = reader.GetInt64(0);
                last = last is { } max && max > seq ? max : seq;
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new PruneResult(count, last);
    }

    public async Task<int> PruneStaleAsync(long modifiedBefore, int limit, long now, CancellationToken cancellationToken)
    {
        // Retention scans without an index on purpose: it is off by default and runs rarely, and an index on
        // updated_at would cost every write.
        var sql = $"""
            UPDATE records SET {PruneSet}
            WHERE id IN (SELECT id FROM records WHERE pruned_at IS NULL AND updated_at < @before {_dialect.Limit("limit")})
              AND pruned_at IS NULL AND updated_at < @before
            """;
        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using var command = connection.Command(sql, transaction)
            .With("now", now).With("before", modifiedBefore).With("limit", (long)limit);
        var count = await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return count;
    }
}
