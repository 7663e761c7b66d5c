using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Tributary.Storage.Sql;

public sealed partial class SqlDialect
{
    /// <summary>
    /// Lets a write whose loss a later durable commit makes harmless commit without waiting for the disk (the
    /// scheduler's batches, here as the example below; run-log appends and webhook claims and marks give their own
    /// reasons where they call it): SQLite's <c>synchronous=NORMAL</c>
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
    /// the runs and the advance are lost together). Any later durable commit (on PostgreSQL a claim of one of those
    /// runs; on SQLite that run's first record batch, checkpoint or completion) flushes the log up to and past the batch
    /// first, so nothing durable ever depends on a lost batch. SQLite in WAL mode
    /// with NORMAL stays consistent after a crash and loses at most the last commits after a power loss.
    /// </para>
    /// <para>
    /// PostgreSQL: <c>SET LOCAL</c>, inside the transaction (it ends with it). SQLite: the pragma cannot change inside a
    /// transaction, so it is set before BEGIN; disposing sets the connection's usual FULL again.
    /// </para>
    /// </remarks>
    public Task<IAsyncDisposable> RelaxCommitBeforeBeginAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            return Task.FromResult<IAsyncDisposable>(NoLock.Instance);
        }

        cancellationToken.ThrowIfCancellationRequested();
        RunKept(connection, SqliteNormalSyncSql);
        return Task.FromResult<IAsyncDisposable>(new SqliteFullSync(connection));
    }

    /// <summary>
    /// Before a run claim's BEGIN: on SQLite the claim commits without waiting for the disk, as
    /// <see cref="RelaxCommitBeforeBeginAsync"/>; on PostgreSQL it stays durable (nothing is changed).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Why: a claim is one short UPDATE, and on SQLite its commit's flush of the log could be most of its time (B9 with
    /// 1,000 to 50,000 queued: a p50 of ~4 ms for the claim and the bare one alike while other processes wrote to the
    /// disk, 0.2-0.5 ms without the flush in the same minutes) — time the one writer's lock is held, so every other
    /// write waited too (docs/benchmarks.md, claim8).
    /// </para>
    /// <para>
    /// Why it is safe on SQLite: every process of a SQLite database runs on its one host, and in WAL mode a process
    /// that crashes loses no commit, so a claim is only lost when the host itself goes down (power, kernel), and its
    /// worker goes down with it. After the restart the run is queued again with the lease token it had, and its next
    /// claim is the only holder of the next token. Everything durable the claimed run writes (its record batches and
    /// checkpoints, fenced by the claim's token, and its completion) commits with FULL, which flushes the log through
    /// the claim first, so no durable row depends on a lost claim.
    /// </para>
    /// <para>
    /// Why not on PostgreSQL: there the database can crash and come back while a worker on another host runs on. A
    /// claim committed asynchronously and lost then would put the run back in the queue with its old token; the next
    /// claim would hand out the same token again, and two workers would pass the same fence.
    /// </para>
    /// </remarks>
    public Task<IAsyncDisposable> RelaxClaimCommitBeforeBeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
        IsPostgres ? Task.FromResult<IAsyncDisposable>(NoLock.Instance) : RelaxCommitBeforeBeginAsync(connection, cancellationToken);

    /// <summary>The PostgreSQL half of <see cref="RelaxCommitBeforeBeginAsync"/>: asynchronous commit for this transaction only.</summary>
    public async Task RelaxCommitInTransactionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            await using var local = connection.Command("SET LOCAL synchronous_commit = off", transaction);
            await local.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Whether <see cref="RelaxedStatement"/> carries the relaxed commit in the command itself (PostgreSQL): the
    /// statement then runs without an explicit transaction. SQLite relaxes it around a transaction as above.
    /// </summary>
    public bool RelaxesStatementsInline => IsPostgres;

    /// <summary>
    /// PostgreSQL: one statement, <paramref name="sql"/>, in a transaction of its own that commits asynchronously,
    /// all in one command: <c>BEGIN; SET LOCAL synchronous_commit = off; sql; COMMIT</c>. Npgsql sends a command's
    /// statements with one Sync, so they go in one round trip; the setting ends with the transaction. Run it without
    /// an explicit transaction (<see cref="RelaxesStatementsInline"/>). SQLite: <paramref name="sql"/> unchanged (use
    /// <see cref="RelaxCommitBeforeBeginAsync"/>).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Why one command: BEGIN with <c>SET LOCAL</c>, the statement and COMMIT as three round trips were most of a
    /// claim's time. The webhook delivery worker claims and records in batches, one statement each, in a loop that
    /// waits for each: on a busy two-core machine every round trip is a wake-up of the backend and of a thread-pool
    /// thread here.
    /// </para>
    /// <para>
    /// Why the explicit BEGIN and COMMIT: without them the statements ran in the extended protocol's implicit
    /// transaction (up to the Sync), which is not a transaction block, so PostgreSQL applied the <c>SET LOCAL</c> but
    /// logged "SET LOCAL can only be used in transaction blocks" for every claim and every mark.
    /// </para>
    /// <para>
    /// When the statement fails, PostgreSQL skips the COMMIT and the connection is left in the aborted transaction:
    /// Npgsql rolls it back when the connection goes back to its pool (what every caller here does on an error), so
    /// the next user of that connection finds it outside any transaction.
    /// </para>
    /// </remarks>
    public string RelaxedStatement(string sql) =>
        IsPostgres ? $"BEGIN;\nSET LOCAL synchronous_commit = off;\n{sql};\nCOMMIT" : sql;

    private const string SqliteNormalSyncSql = "PRAGMA synchronous=NORMAL";

    private const string SqliteFullSyncSql = "PRAGMA synchronous=FULL";

    /// <summary>
    /// Runs a setting on a statement kept prepared on the native connection (<see cref="SqliteStatementCache"/>): the
    /// relaxed commits run two per transaction, and a run claim's transaction is one short statement.
    /// </summary>
    private static void RunKept(DbConnection connection, string sql)
    {
        using var statement = SqliteStatementCache.Rent((SqliteConnection)connection, sql);
        while (statement.Step())
        {
        }
    }

    /// <summary>Puts SQLite's usual <c>synchronous=FULL</c> back on a pooled connection.</summary>
    private sealed class SqliteFullSync(DbConnection connection) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            RunKept(connection, SqliteFullSyncSql);
            return ValueTask.CompletedTask;
        }
    }
}
