using System.Data.Common;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// The lease check every write of a run makes inside its own transaction. On PostgreSQL the check also
/// row-locks the run, so a concurrent cancel, reset or reaper waits for this write to commit or sees it
/// refused — there is no window in which a stale run's write lands after its successor took over.
/// Every fenced write also counts itself as the attempt's progress (<c>runs.progress</c>), committed with the write
/// itself: the reaper charges an attempt to the poison limit only when it committed none.
/// </summary>
/// <remarks>
/// A records batch writes the run row once, not twice: <see cref="LockLeaseAsync"/> checks and locks without a
/// write, and the batch's closing UPDATE (<see cref="SaveResultAsync"/>) stores its counts and its progress together.
/// On PostgreSQL every UPDATE of <c>runs</c> copies the whole row (its result JSON included) into a new tuple, so a
/// second one per batch cost B5 about 7%. The lock is <c>FOR NO KEY UPDATE</c> — the very lock the former
/// <c>UPDATE</c> took — so heartbeats, cancels and resets wait on a batch exactly as before.
/// </remarks>
internal static class RunFencing
{
    /// <summary>The lease check of a single-statement write (a checkpoint): checked, locked and counted in one UPDATE.</summary>
    public static async Task EnsureLeaseAsync(DbConnection connection, DbTransaction transaction, RunFence fence, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"UPDATE runs SET progress = progress + 1 WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}'", transaction)
            .With("id", fence.RunId).With("token", fence.LeaseToken);
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
        {
            throw LeaseLost(fence);
        }
    }

    /// <summary>
    /// The lease check without a write: the run row is locked until the transaction ends, so nobody takes the run
    /// over in between. The transaction must count its progress itself (<see cref="SaveResultAsync"/> or
    /// <see cref="CountProgressAsync"/>) before it commits.
    /// </summary>
    public static async Task LockLeaseAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, RunFence fence, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"{HoldsLeaseSql} {dialect.ForNoKeyUpdate}", transaction)
            .With("id", fence.RunId).With("token", fence.LeaseToken);
        if (await command.ExecuteScalarAsync(cancellationToken) is null)
        {
            throw LeaseLost(fence);
        }
    }

    /// <summary>
    /// The lease check's query (parameters <c>@id</c>, <c>@token</c>): one row while the run holds its lease. With the
    /// dialect's row lock appended it is <see cref="LockLeaseAsync"/>; a caller that sends it with others in one command
    /// binds the parameters itself.
    /// </summary>
    public const string HoldsLeaseSql = $"SELECT 1 FROM runs WHERE id = @id AND lease_token = @token AND state = '{SqlStates.Running}'";

    /// <summary>
    /// <see cref="SaveResultAsync"/>'s statement, for a caller that sends it with others in one command (parameters
    /// through <see cref="WithResult"/>).
    /// </summary>
    public const string SaveResultSql = "UPDATE runs SET result = @result, progress = progress + 1 WHERE id = @id AND lease_token = @token";

    /// <summary>The run's counts after a records write, and the write counted as the attempt's progress.</summary>
    public static async Task SaveResultAsync(DbConnection connection, DbTransaction transaction, RunFence fence, string resultJson, CancellationToken cancellationToken)
    {
        await using var command = WithResult(connection.Command(SaveResultSql, transaction), fence, resultJson);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Binds <see cref="SaveResultSql"/>'s parameters on <paramref name="command"/>.</summary>
    public static DbCommand WithResult(DbCommand command, RunFence fence, string resultJson) =>
        command.With("result", resultJson).With("id", fence.RunId).With("token", fence.LeaseToken);

    /// <summary>
    /// A locked fenced write that saves no result counted as the attempt's progress; <paramref name="extraSet"/>
    /// (a constant assignment list starting with a comma, or empty) is written in the same UPDATE.
    /// </summary>
    public static async Task CountProgressAsync(DbConnection connection, DbTransaction transaction, RunFence fence, string extraSet, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"UPDATE runs SET progress = progress + 1{extraSet} WHERE id = @id AND lease_token = @token", transaction)
            .With("id", fence.RunId).With("token", fence.LeaseToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static LeaseLostException LeaseLost(RunFence fence) =>
        new($"Run {fence.RunId} no longer holds its lease (it was cancelled, reset or taken over); the write was refused.");
}
