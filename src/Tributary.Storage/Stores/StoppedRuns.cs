using System.Data.Common;

namespace Tributary.Storage.Stores;

/// <summary>
/// Which runs a cancelling <c>UPDATE runs … SET state = 'cancelled'</c> moved from running: the ones a worker may be
/// executing, which the caller stops in this process by id (never by sync: the sync may run another one by then).
/// </summary>
/// <remarks>
/// The statement returns the run's <c>lease_owner</c>, which the cancel leaves as it was: only a claim sets it and
/// every way back to the queue clears it, so it is set exactly when the run was running. Same on both dialects.
/// </remarks>
internal static class StoppedRuns
{
    /// <summary>The clause a cancelling statement ends with for <see cref="ReadAsync"/>.</summary>
    public const string Returning = "RETURNING id, lease_owner";

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
