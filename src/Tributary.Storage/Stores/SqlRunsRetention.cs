using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Runs retention: bounded batches of expired finished runs, keeping each sync's latest started run.</summary>
internal sealed partial class SqlRunHistoryStore
{
    public async Task<int> DeleteFinishedRunsAsync(long finishedBefore, int limit, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Bulk, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        // Another process is deleting: skip this pass instead of both deleting the same rows.
        if (!await _database.Dialect.TryLockForTransactionAsync(connection, transaction, AdvisoryLock.RunsRetention, cancellationToken))
        {
            return 0;
        }

        await using var delete = connection.Command(_deleteFinishedSql, transaction).With("before", finishedBefore).With("limit", (long)limit);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>One batch of <see cref="DeleteFinishedRunsAsync"/> (also planned by a test).</summary>
    /// <remarks>
    /// runs_finished finds the oldest finished runs; runs_by_sync answers "is there a later started run". Its predicate
    /// is <c>finished_at IS NOT NULL</c> on SQLite (migration 0024): the <c>finished_at &lt; @before</c> here is what lets
    /// SQLite use it, so that comparison must stay.
    /// </remarks>
    internal static string DeleteFinishedSql(SqlDialect dialect) => $"""
        DELETE FROM runs WHERE id IN (
            SELECT r.id FROM runs r
            WHERE r.state IN ('{SqlStates.Succeeded}', '{SqlStates.Failed}', '{SqlStates.Cancelled}') AND r.finished_at < @before
              AND EXISTS (SELECT 1 FROM runs l WHERE l.sync_id = r.sync_id AND l.id > r.id AND l.state <> '{SqlStates.Queued}')
            ORDER BY r.finished_at
            {dialect.Limit("limit")})
        """;
}
