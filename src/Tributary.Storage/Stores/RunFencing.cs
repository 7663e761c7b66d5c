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
/// <remarks>
/// A records batch updates the run row once, not twice: <see cref="LockLeaseAsync"/> checks and row-locks without
/// writing, and <see cref="SaveResultAsync"/> writes the counts and the progress in one UPDATE at the end. Each UPDATE
/// of <c>runs</c> on PostgreSQL copies the whole row (its result JSON included) into a new tuple, so the second
/// one per batch was measurable in B5 (issue 9's progress counter turned the lease check into a real write).
/// </remarks>
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

    /// <summary>
    /// The lease check without a write: the run row is locked (<c>FOR UPDATE</c> on PostgreSQL; SQLite's write
    /// transaction already excludes every other writer) so nobody takes the run over before this transaction ends.
    /// The transaction must count its progress itself (<see cref="SaveResultAsync"/> or <see cref="CountProgressAsync"/>).
    /// </summary>
    public static async Task LockLeaseAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, RunFence fence, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"SELECT 1 FROM runs WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}' {dialect.ForUpdate}", transaction)
            .With("id", fence.RunId).With("token", fence.LeaseToken);
        if (await command.ExecuteScalarAsync(cancellationToken) is null)
        {
            throw new LeaseLostException($"Run {fence.RunId} no longer holds its lease (it was cancelled, reset or taken over); the write was refused.");
        }
    }

    /// <summary>The run's counts after a records write, and the write counted as the attempt's progress.</summary>
    public static async Task SaveResultAsync(DbConnection connection, DbTransaction transaction, RunFence fence, string resultJson, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "UPDATE runs SET result = @result, progress = progress + 1 WHERE id = @id AND lease_token = @token", transaction)
            .With("result", resultJson).With("id", fence.RunId).With("token", fence.LeaseToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A fenced write that saves no result (the empty-cache step) counted as the attempt's progress.</summary>
    public static async Task CountProgressAsync(DbConnection connection, DbTransaction transaction, RunFence fence, string extraSet, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"UPDATE runs SET progress = progress + 1{extraSet} WHERE id = @id AND lease_token = @token", transaction)
            .With("id", fence.RunId).With("token", fence.LeaseToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
