using System.Data;
using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Tributary.Storage.Sql;

/// <summary>
/// Everything SQLite and PostgreSQL do differently, in one place: the stores write one statement for both and ask
/// the dialect for the fragment or the step that differs. Two instances, <see cref="Sqlite"/> and <see cref="Postgres"/>;
/// <see cref="Database"/> holds the one it runs on.
/// </summary>
/// <remarks>
/// A new difference goes here as a member with both answers side by side (a SQL fragment, a binding, a step), never
/// as a branch in a store. Row batches are in <c>SqlDialect.RowBatches.cs</c>.
/// </remarks>
public sealed partial class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(postgres: false, "sqlite");

    public static readonly SqlDialect Postgres = new(postgres: true, "postgres");

    private SqlDialect(bool postgres, string name)
    {
        IsPostgres = postgres;
        Name = name;
    }

    /// <summary><c>sqlite</c> or <c>postgres</c>: the folder of the dialect's migrations.</summary>
    public string Name { get; }

    /// <summary>For tests and the benchmark's raw baselines; stores ask for the difference itself instead.</summary>
    public bool IsPostgres { get; }

    /// <summary>
    /// Whether other processes can share the database and need a wake-up when runs are queued (PostgreSQL's
    /// NOTIFY). On SQLite other processes hear only started schedules, through a watched file
    /// (<see cref="Stores.SqliteScheduleWakeups"/>); their workers poll.
    /// </summary>
    public bool NotifiesOtherProcesses => IsPostgres;

    /// <summary>The larger of two values: <c>GREATEST</c> on PostgreSQL, the two-argument scalar <c>max</c> on SQLite.</summary>
    public string Greatest(string a, string b) => IsPostgres ? $"GREATEST({a}, {b})" : $"max({a}, {b})";

    /// <summary>
    /// Ends a claiming SELECT: PostgreSQL locks the rows it picks and skips rows another claimer holds; SQLite's
    /// write transaction already excludes every other writer.
    /// </summary>
    public string SkipLocked => IsPostgres ? "FOR UPDATE SKIP LOCKED" : string.Empty;

    /// <summary>Row locks for a read-then-write inside a transaction; SQLite's write transaction already excludes writers.</summary>
    public string ForUpdate => IsPostgres ? "FOR UPDATE" : string.Empty;

    /// <summary>
    /// The row lock an UPDATE that changes no key takes (PostgreSQL's <c>FOR NO KEY UPDATE</c>), taken by a read: it
    /// blocks exactly whom that UPDATE would block and no one else; SQLite's write transaction already excludes writers.
    /// </summary>
    public string ForNoKeyUpdate => IsPostgres ? "FOR NO KEY UPDATE" : string.Empty;

    /// <summary>
    /// A <c>LIMIT</c> bound to the parameter <c>@<paramref name="parameter"/></c>, written so that binding it never
    /// discards SQLite's compiled statement: <c>LIMIT @p + 0</c> on SQLite, <c>LIMIT @p</c> on PostgreSQL.
    /// </summary>
    /// <remarks>
    /// SQLite (3.53 here) reads a bare <c>LIMIT @p</c>'s bound value while it plans, and marks the statement to be
    /// compiled again whenever that parameter is bound or the bindings are cleared: every execution compiled it twice
    /// (Microsoft.Data.Sqlite prepares, binds, then the first step prepares again), and a statement kept prepared
    /// (<see cref="SqliteStatementCache"/>) was compiled on every use all the same. An expression is not read, so the
    /// plan is made once, without the limit's value; the plan tests of the limited statements (queue, scheduler,
    /// webhook claim, runs retention, records page) hold with it. A small <c>GET /records</c> page spent about a third
    /// of the server's CPU in SQLite's parser and planner (docs/benchmarks.md). PostgreSQL is left as it was: it plans
    /// from its own statistics, and Npgsql prepares the hot statements.
    /// </remarks>
    public string Limit(string parameter) => IsPostgres ? $"LIMIT @{parameter}" : $"LIMIT @{parameter} + 0";

    /// <summary>
    /// Pins SQLite's planner to <paramref name="index"/> where, left alone, it scans the table (PostgreSQL plans
    /// by statistics and has no such clause).
    /// </summary>
    public string IndexedBy(string index) => IsPostgres ? string.Empty : $"INDEXED BY {index}";

    /// <summary>
    /// Ends an existence subquery so that PostgreSQL keeps it a subquery and reads it as one lookup in the index whose
    /// order is <paramref name="indexOrder"/> (<c>ORDER BY … LIMIT 1 OFFSET 0</c>), whatever the statistics say; a
    /// planner misled by statistics taken while a table was empty otherwise turns it into a join that reads the whole
    /// index per row. SQLite does not plan existence checks from statistics: nothing.
    /// </summary>
    public string AsOneIndexLookup(string indexOrder) => IsPostgres ? $"ORDER BY {indexOrder} LIMIT 1 OFFSET 0" : string.Empty;

    /// <summary>
    /// PostgreSQL: the first statement of a transaction whose <see cref="AsOneIndexLookup"/> must be read in its
    /// index's order (<c>SET LOCAL enable_sort = off;</c>, until the transaction ends); SQLite: nothing.
    /// </summary>
    /// <remarks>
    /// The lookup's equality columns make its <c>ORDER BY</c> one column to the planner, so any index on the table's
    /// rows, read in full and sorted, looks as good as the one whose order was asked for when the statistics call
    /// both empty. After a fan-out over an outbox analyzed while nothing was pending, the webhook claim read the
    /// pending lookup from <c>webhook_deliveries_due</c> and sorted it: every pending row older than the candidate
    /// per candidate, ~1 s per claim of 256 by the end of a 10,000-delivery outbox until autovacuum analyzed the
    /// table (B14 on PostgreSQL). A sort the statement cannot do without still runs; only its cost is raised.
    /// </remarks>
    public string SortsAsLastResort => IsPostgres ? "SET LOCAL enable_sort = off;\n" : string.Empty;

    /// <summary>Begins a write transaction: IMMEDIATE on SQLite (the write lock at once), READ COMMITTED on PostgreSQL.</summary>
    public async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (!IsPostgres)
        {
            return ((SqliteConnection)connection).BeginTransaction(deferred: false);
        }

        return await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
    }

    /// <summary>Whether <paramref name="exception"/> is a unique-index violation that two racing writers can cause.</summary>
    /// <remarks>Only PostgreSQL's writers race: SQLite's write transaction is exclusive.</remarks>
    public bool IsRacingUniqueViolation(Exception exception) =>
        IsPostgres && exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>
    /// Whether the database aborted <paramref name="exception"/>'s transaction whole to break a deadlock (or a
    /// serialization conflict): nothing of it was applied, and running it again is the remedy.
    /// </summary>
    /// <remarks>Only PostgreSQL's writers can deadlock: SQLite's write transaction is exclusive.</remarks>
    public bool IsAbortedToBreakAConflict(Exception exception) =>
        IsPostgres && exception is PostgresException postgres && TransientDatabaseErrors.IsAbortedToBreakAConflict(postgres.SqlState);

    /// <summary>A table expression with one column <c>value</c> over the list parameter <paramref name="parameter"/>: <c>FROM {ListRows("ids")}</c>.</summary>
    /// <remarks>
    /// Lists are one parameter on both (a PostgreSQL array, JSON text read with <c>json_each</c> on SQLite), which
    /// keeps a 10,000-target statement one round trip.
    /// </remarks>
    public string ListRows(string parameter) =>
        IsPostgres ? $"unnest(@{parameter}) AS l(value)" : $"json_each(@{parameter}) AS l";

    /// <summary>
    /// A text column's stored UTF-8 bytes as a value a reader copies with <c>GetBytes</c> into a buffer it reuses instead
    /// of decoding a string. SQLite's cast is a relabel. On PostgreSQL the column itself: Npgsql reads a text column in
    /// binary format, which is its UTF-8 bytes (the connection's client encoding), and <c>GetBytes</c> copies them as
    /// they came; <c>convert_to(column, 'UTF8')</c> made PostgreSQL validate and copy every value into a new
    /// <c>bytea</c> first (~50 µs of its CPU per page of 100 ~1 KB records, a tenth of the page's).
    /// </summary>
    public string Utf8Bytes(string column) =>
        IsPostgres ? column : $"CAST({column} AS BLOB)";

    /// <summary>
    /// The text at <paramref name="path"/> (member names, ours, never input) inside a column of JSON text; null when a
    /// member is missing: <c>json_extract</c> on SQLite, <c>-&gt;</c>/<c>-&gt;&gt;</c> over <c>jsonb</c> on PostgreSQL.
    /// </summary>
    public string JsonText(string column, params string[] path)
    {
        if (!IsPostgres)
        {
            return $"json_extract({column}, '$.{string.Join('.', path)}')";
        }

        var steps = string.Concat(path[..^1].Select(member => $" -> '{member}'"));
        return $"(({column})::jsonb{steps} ->> '{path[^1]}')";
    }

    /// <summary>
    /// The text of the member of a column of JSON text whose name is the parameter <paramref name="parameter"/> (a
    /// caller's key, checked to hold no quote); null when missing.
    /// </summary>
    public string JsonMemberText(string column, string parameter) => IsPostgres
        ? $"(({column})::jsonb ->> @{parameter})"
        : $"json_extract({column}, '$.\"' || @{parameter} || '\"')";

    /// <summary>A case-insensitive <c>LIKE</c> (PostgreSQL's <c>ILIKE</c>; SQLite's <c>LIKE</c> ignores ASCII case already).</summary>
    public string CaseInsensitiveLike => IsPostgres ? "ILIKE" : "LIKE";

    /// <summary>A predicate <c>column IN list</c> over the list parameter <paramref name="parameter"/>.</summary>
    public string InList(string column, string parameter) =>
        IsPostgres ? $"{column} = ANY(@{parameter})" : $"{column} IN (SELECT value FROM json_each(@{parameter}))";

    /// <summary>
    /// A table expression <paramref name="alias"/>(<paramref name="first"/>, <paramref name="second"/>) pairing two list
    /// parameters of the same length by position (e.g. ids with the documents to write to each).
    /// </summary>
    public string PairedListRows(string first, string second, string alias) => IsPostgres
        ? $"unnest(@{first}, @{second}) AS {alias}({first}, {second})"
        : $"(SELECT a.value AS {first}, b.value AS {second} FROM json_each(@{first}) AS a JOIN json_each(@{second}) AS b ON b.key = a.key) AS {alias}";

    /// <summary>Binds a list parameter used by <see cref="ListRows"/> or <see cref="InList"/>.</summary>
    public DbCommand BindList(DbCommand command, string name, IReadOnlyList<string> values)
    {
        if (IsPostgres)
        {
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() });
            return command;
        }

        return command.With(name, JsonSerializer.Serialize(values, SqlJson.Default.IReadOnlyListString));
    }

    /// <inheritdoc cref="BindList(DbCommand, string, IReadOnlyList{string})"/>
    public DbCommand BindList(DbCommand command, string name, IReadOnlyList<long> values)
    {
        if (IsPostgres)
        {
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = values.ToArray() });
            return command;
        }

        return command.With(name, JsonSerializer.Serialize(values, SqlJson.Default.IReadOnlyListInt64));
    }

    /// <summary>
    /// Binds a text parameter that may be null. A null parameter has no type, and PostgreSQL must still know one to
    /// compare or coalesce it (<c>@p IS NULL OR …</c> fails with "could not determine data type").
    /// </summary>
    public DbCommand BindNullable(DbCommand command, string name, string? value) =>
        BindNullable(command, name, value, NpgsqlDbType.Text);

    /// <inheritdoc cref="BindNullable(DbCommand, string, string?)"/>
    public DbCommand BindNullable(DbCommand command, string name, long? value) =>
        BindNullable(command, name, value, NpgsqlDbType.Bigint);

    /// <summary>
    /// Takes <paramref name="key"/> for the rest of the transaction if no other process holds it; false when one does.
    /// On SQLite it is always true: the write transaction <paramref name="transaction"/> is already exclusive.
    /// </summary>
    public async Task<bool> TryLockForTransactionAsync(DbConnection connection, DbTransaction transaction, AdvisoryLock key, CancellationToken cancellationToken)
    {
        if (!IsPostgres)
        {
            return true;
        }

        await using var command = connection.Command("SELECT pg_try_advisory_xact_lock(@key)", transaction).With("key", (long)key);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Waits for <paramref name="key"/> and holds it on <paramref name="connection"/> until the result is disposed
    /// (a session lock: it outlives transactions). Nothing on SQLite, where the caller's write transaction is the lock.
    /// </summary>
    public async Task<IAsyncDisposable> LockForSessionAsync(DbConnection connection, AdvisoryLock key, CancellationToken cancellationToken)
    {
        if (!IsPostgres)
        {
            return NoLock.Instance;
        }

        await using var command = connection.Command("SELECT pg_advisory_lock(@key)").With("key", (long)key);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new SessionLock(connection, key);
    }

    /// <summary>
    /// Row-locks <paramref name="table"/>'s row <paramref name="id"/> to the end of the transaction, so writers that
    /// check-then-insert under that row take turns. SQLite's IMMEDIATE transaction already serialises them.
    /// </summary>
    /// <param name="table">A table name written in the store, never input.</param>
    public async Task LockRowAsync(DbConnection connection, DbTransaction transaction, string table, long id, CancellationToken cancellationToken)
    {
        if (!IsPostgres)
        {
            return;
        }

        await using var command = connection.Command($"SELECT id FROM {table} WHERE id = @id FOR UPDATE", transaction).With("id", id);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public override string ToString() => Name;

    private DbCommand BindNullable(DbCommand command, string name, object? value, NpgsqlDbType postgresType)
    {
        command.With(name, value);
        if (IsPostgres && value is null)
        {
            ((NpgsqlParameter)command.Parameters[name]).NpgsqlDbType = postgresType;
        }

        return command;
    }

    private sealed class SessionLock(DbConnection connection, AdvisoryLock key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Released even when the caller was cancelled: a held session lock would block every later start.
            await using var command = connection.Command("SELECT pg_advisory_unlock(@key)").With("key", (long)key);
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
