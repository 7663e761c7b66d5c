using System.Data.Common;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// Deletes connections with everything they own, inside the caller's write transaction: the one cascade behind
/// deleting a connection and deleting an integration.
/// </summary>
internal static class ConnectionCascade
{
    /// <param name="connections">A subquery (or a single parameter) giving the ids of the connections to delete.</param>
    /// <param name="bind">Binds the parameters <paramref name="connections"/> uses.</param>
    /// <param name="reason">The error recorded on the runs it cancels.</param>
    /// <returns>The runs it moved from running to cancelled (to stop in this process) and how many connections were deleted.</returns>
    public static async Task<(IReadOnlyList<long> StoppedRunIds, int Connections)> DeleteAsync(
        DbConnection connection,
        DbTransaction transaction,
        string connections,
        Func<DbCommand, DbCommand> bind,
        string reason,
        long now,
        CancellationToken cancellationToken)
    {
        // Children first, explicitly: the same statements work whether or not a dialect enforces the cascades.
        // Queued and running runs are cancelled first (a cancelled run has a finish time) so their workers see a
        // lost lease.
        List<long> stopped;
        await using (var cancel = bind(connection.Command(
            StoppedRuns.CancelSql($"sync_id IN (SELECT id FROM syncs WHERE connection_id IN ({connections}))"),
            transaction)).With("now", now).With("reason", reason))
        {
            stopped = await StoppedRuns.ReadAsync(cancel, cancellationToken);
        }

        string[] statements =
        [
            $"DELETE FROM records WHERE connection_id IN ({connections})",
            $"DELETE FROM datasets WHERE connection_id IN ({connections})",
            $"DELETE FROM checkpoints WHERE connection_id IN ({connections})",
            $"DELETE FROM runs WHERE sync_id IN (SELECT id FROM syncs WHERE connection_id IN ({connections}))",
            $"DELETE FROM syncs WHERE connection_id IN ({connections})",
        ];
        foreach (var sql in statements)
        {
            await using var command = bind(connection.Command(sql, transaction));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var delete = bind(connection.Command($"DELETE FROM connections WHERE id IN ({connections})", transaction));
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        return (stopped, deleted);
    }
}
