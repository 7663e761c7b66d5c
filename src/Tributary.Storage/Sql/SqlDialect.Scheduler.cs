using System.Data.Common;

namespace Tributary.Storage.Sql;

public sealed partial class SqlDialect
{
    /// <summary>
    /// One scheduler batch: <paramref name="insert"/> and then <paramref name="advance"/>, both reading the table
    /// expression <c>due</c> defined by <paramref name="due"/>; the text returns one row per due schedule.
    /// </summary>
    /// <remarks>
    /// PostgreSQL: one data-modifying statement (<c>WITH due AS (…), queued AS (INSERT …) UPDATE …</c>): one snapshot,
    /// one plan, one round trip, where a select, an insert and an update each waited their turn behind the worker's
    /// claims and completions during a burst. SQLite has no data-modifying CTEs: two statements in one command, each
    /// with the same <c>due</c>, which select the same rows inside the exclusive write transaction.
    /// </remarks>
    public string SchedulerBatch(string due, string insert, string advance) => IsPostgres
        ? $"WITH due AS ({due}), queued AS ({insert}) {advance}"
        : $"WITH due AS ({due}) {insert};\nWITH due AS ({due}) {advance}";

    /// <summary>
    /// Lets the scheduler's batch transactions commit without waiting for the disk: SQLite's <c>synchronous=NORMAL</c>
    /// on <paramref name="connection"/> until the result is disposed (call before BEGIN), PostgreSQL's asynchronous
    /// commit through <see cref="RelaxCommitInTransactionAsync"/> (call inside the transaction).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Why: a burst after an outage is a hundred commits in a row, and each waited for a flush of the log (~10 ms on
    /// this machine's disk) behind the flushes of the worker's claims and completions; that wait, not the statement,
    /// was most of a batch's time while a worker drained.
    /// </para>
    /// <para>
    /// Why it is safe: a batch queues its runs and advances their schedules in one transaction, so a crash can only
    /// lose whole batches, and a lost batch leaves its schedules due: the next tick queues them again (never twice:
    /// the runs and the advance are lost together). Any later durable commit (a claim of one of those runs) flushes
    /// the log up to and past the batch first, so nothing durable ever depends on a lost batch. SQLite in WAL mode
    /// with NORMAL stays consistent after a crash and loses at most the last commits after a power loss.
    /// </para>
    /// <para>
    /// PostgreSQL: <c>SET LOCAL</c>, inside the transaction (it ends with it). SQLite: the pragma cannot change inside a
    /// transaction, so it is set before BEGIN; disposing sets the connection's usual FULL again.
    /// </para>
    /// </remarks>
    public async Task<IAsyncDisposable> RelaxCommitBeforeBeginAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            return NoLock.Instance;
        }

        await using var relax = connection.Command("PRAGMA synchronous=NORMAL");
        await relax.ExecuteNonQueryAsync(cancellationToken);
        return new SqliteFullSync(connection);
    }

    /// <summary>The PostgreSQL half of <see cref="RelaxCommitBeforeBeginAsync"/>: asynchronous commit for this transaction only.</summary>
    public async Task RelaxCommitInTransactionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            await using var local = connection.Command("SET LOCAL synchronous_commit = off", transaction);
            await local.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Puts SQLite's usual <c>synchronous=FULL</c> back on a pooled connection.</summary>
    private sealed class SqliteFullSync(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var restore = connection.Command("PRAGMA synchronous=FULL");
            await restore.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}
