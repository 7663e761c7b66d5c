using System.Data.Common;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// Which runs a cancelling <c>UPDATE runs … SET state = 'cancelled'</c> (<see cref="CancelSql"/>) moved from running: the ones a worker may be
/// executing, which the caller stops in this process by id (never by sync: the sync may run another one by then).
/// </summary>
/// <remarks>
/// The statement returns the run's <c>lease_owner</c>, which the cancel leaves as it was: only a claim sets it and
/// every way back to the queue clears it, so it is set exactly when the run was running. Same on both dialects.
/// </remarks>
internal static class StoppedRuns
{
    /// <summary>
    /// The cancelling statement of a pause, a variant delete and a connection or integration cascade: every queued
    /// or running run whose <c>sync_id</c> meets <paramref name="syncCondition"/> ends cancelled at <c>@now</c> with the
    /// error <c>@reason</c>, so its worker sees a lost lease. Run it with <see cref="ReadAsync"/>.
    /// </summary>
    public static string CancelSql(string syncCondition) => $"""
        UPDATE runs SET state = '{SqlStates.Cancelled}', finished_at = @now, lease_expires_at = NULL, error = @reason
        WHERE state IN ('{SqlStates.Queued}', '{SqlStates.Running}') AND {syncCondition}
        RETURNING id, lease_owner
        """;

    /// <summary>Executes the statement and answers the ids of the runs it moved from running.</summary>
    public static async Task<List<long>> ReadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var stopped = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(1))
            {
                stopped.Add(reader.GetInt64(0));
            }
        }

        return stopped;
    }
}
