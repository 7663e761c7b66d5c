using System.Data.Common;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// The lease check every write of a run makes inside its own transaction. On PostgreSQL the UPDATE also
/// row-locks the run, so a concurrent cancel, reset or reaper waits for this write to commit or sees it
/// refused — there is no window in which a stale run's write lands after its successor took over.
/// The same UPDATE counts the write as the attempt's progress (<c>runs.progress</c>), committed with the write
/// itself: the reaper charges an attempt to the poison limit only when it committed none.
/// </summary>
internal static class RunFencing
{
    public static async Task EnsureLeaseAsync(DbConnection connection, DbTransaction transaction, RunFence fence, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"UPDATE runs SET progress = progress + 1 WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}'", transaction)
            .With("id", fence.RunId).With("token", fence.LeaseToken);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw new LeaseLostException($"Run {fence.RunId} no longer holds its lease (it was cancelled, reset or taken over); the write was refused.");
        }
    }

    public static async Task SaveResultAsync(DbConnection connection, DbTransaction transaction, RunFence fence, string resultJson, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("UPDATE runs SET result = @result WHERE id = @id AND lease_token = @token", transaction)
            .With("result", resultJson).With("id", fence.RunId).With("token", fence.LeaseToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
