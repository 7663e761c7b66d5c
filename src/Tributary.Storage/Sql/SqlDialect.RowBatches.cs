using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Tributary.Storage.Sql;

/// <summary>
/// Row-batch binding: one statement applied to every row of a batch (record upserts, updates, soft deletes).
/// PostgreSQL binds each column as one array and reads the rows from <c>unnest</c> (one round trip); SQLite steps
/// one native prepared statement per row (<see cref="SqliteRowStatement"/>: its fastest bulk path, no managed
/// allocation per row).
/// </summary>
/// <remarks>
/// A statement names the current row's values with <see cref="Row"/> and takes its rows from
/// <see cref="InsertRows"/> (an INSERT's source) or <see cref="UpdateFromRows"/> (an UPDATE's FROM clause).
/// </remarks>
public sealed partial class SqlDialect
{
    /// <summary>The current row's value of <paramref name="column"/>: <c>u.column</c> (unnest) or <c>@column</c> (row statement).</summary>
    public string Row(string column) => IsPostgres ? $"u.{column}" : $"@{column}";

    /// <summary>An INSERT's source of rows: <c>SELECT {values} FROM unnest(…)</c>, or <c>VALUES ({values})</c> for one row.</summary>
    public string InsertRows(string values, params string[] columns) =>
        IsPostgres ? $"SELECT {values} FROM {Unnest(columns)}" : $"VALUES ({values})";

    /// <summary>The FROM clause of an UPDATE over the batch's rows (nothing on SQLite, whose row values are parameters).</summary>
    public string UpdateFromRows(params string[] columns) => IsPostgres ? $"FROM {Unnest(columns)}" : string.Empty;

    /// <summary>
    /// How an UPDATE over the rows reports the rows it changed for <see cref="ExecuteRowsChangedAsync"/>: a RETURNING of
    /// their key on PostgreSQL; on SQLite each row's change count says it.
    /// </summary>
    public string ReturningChanged(string key) => IsPostgres ? $"RETURNING {key}" : string.Empty;

    /// <summary>Runs <paramref name="sql"/> for every row of <paramref name="batch"/> and passes each returned value (its first column) to <paramref name="returned"/>.</summary>
    internal async Task ExecuteRowsAsync(DbConnection connection, DbTransaction? transaction, string sql, RowBatch batch, Action<long> returned, CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            await using var command = UnnestCommand(connection, transaction, sql, batch);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                returned(reader.GetInt64(0));
            }

            return;
        }

        using var statement = RowStatement(connection, sql, batch, out var columns);
        for (var i = 0; i < batch.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BindRow(statement, batch, columns, i);
            if (statement.ExecuteScalarInt64() is { } value)
            {
                returned(value);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="upsert"/> for every row of <paramref name="batch"/> and passes the outcome of each row it
    /// wrote to <paramref name="written"/>; a row the upsert left alone passes nothing. With <paramref name="available"/>
    /// the rows run while it says row i is there (it may wait for it); the first it refuses ends the batch.
    /// </summary>
    /// <remarks>
    /// PostgreSQL returns the outcomes from the one statement over the unnested rows. SQLite runs the upsert without
    /// RETURNING: there it costs ~4 µs a row, a third of a fresh 1 KB record's upsert (SQLite fills an ephemeral table
    /// for every execution; docs/architecture.md, "SQLite row statements"). A row's change count and the connection's
    /// last insert rowid say what happened instead: no change, nothing to report; a new rowid, the row was inserted
    /// (<see cref="RowUpsert.InsertedOutcome"/>); otherwise it was updated and its outcome is read back by its key
    /// (<see cref="RowUpsert.OutcomeSql"/>, one index probe of a row the transaction just wrote). An update never
    /// moves the last insert rowid; an insert that lands on the rowid it already held is read back too.
    /// </remarks>
    internal async Task ExecuteUpsertRowsAsync(
        DbConnection connection,
        DbTransaction transaction,
        RowUpsert upsert,
        RowBatch batch,
        Action<long> written,
        CancellationToken cancellationToken,
        Func<int, bool>? available = null)
    {
        if (IsPostgres)
        {
            if (available is not null)
            {
                throw new NotSupportedException("PostgreSQL binds a batch's rows at once: they must all be there.");
            }

            await ExecuteRowsAsync(connection, transaction, upsert.ReturningSql, batch, written, cancellationToken);
            return;
        }

        // The batch's values include the outcome's (@first), which the upsert itself does not name.
        using var statement = RowStatement(connection, upsert.Sql, batch, out var columns, onlyItsParameters: true);
        SqliteRowStatement? outcome = null;
        int[] outcomeColumns = [];
        try
        {
            for (var i = 0; i < batch.Count && (available is null || available(i)); i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                BindRow(statement, batch, columns, i);
                var rowidBefore = statement.LastInsertRowId;
                if (statement.Execute() == 0)
                {
                    continue;
                }

                if (statement.LastInsertRowId != rowidBefore)
                {
                    written(upsert.InsertedOutcome);
                    continue;
                }

                outcome ??= RowStatement(connection, upsert.OutcomeSql, batch, out outcomeColumns, onlyItsParameters: true);
                BindRow(outcome, batch, outcomeColumns, i);
                written(outcome.ExecuteScalarInt64() ?? throw new InvalidOperationException($"The row the upsert into {upsert.Table} wrote was not found by its key."));
            }
        }
        finally
        {
            outcome?.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> (ending with <see cref="ReturningChanged"/>) for every row of <paramref name="batch"/>
    /// and returns the keys (the text column <paramref name="keyColumn"/>) of the rows it changed.
    /// </summary>
    internal async Task<List<string>> ExecuteRowsChangedAsync(
        DbConnection connection,
        DbTransaction transaction,
        string sql,
        RowBatch batch,
        string keyColumn,
        CancellationToken cancellationToken)
    {
        var changed = new List<string>(batch.Count);
        await ExecuteRowsChangedAsync(connection, transaction, sql, batch, row => row.GetString(0), batch.TextColumn(keyColumn), changed.Add, cancellationToken);
        return changed;
    }

    /// <summary>
    /// <see cref="ExecuteRowsChangedAsync(DbConnection, DbTransaction, string, RowBatch, string, CancellationToken)"/>
    /// for an integer key (the column <paramref name="keyColumn"/>): each changed row's key goes to <paramref name="changed"/>.
    /// </summary>
    internal Task ExecuteRowsChangedAsync(
        DbConnection connection,
        DbTransaction? transaction,
        string sql,
        RowBatch batch,
        string keyColumn,
        Action<long> changed,
        CancellationToken cancellationToken) =>
        ExecuteRowsChangedAsync(connection, transaction, sql, batch, row => row.GetInt64(0), batch.Int64Column(keyColumn), changed, cancellationToken);

    /// <remarks>
    /// SQLite: a row's change count says whether the statement changed it, so the statement returns nothing. A
    /// <c>RETURNING</c> clause made SQLite fill an ephemeral table on every execution (~4 µs a row, see
    /// <see cref="ExecuteUpsertRowsAsync"/>).
    /// </remarks>
    private async Task ExecuteRowsChangedAsync<TKey>(
        DbConnection connection,
        DbTransaction? transaction,
        string sql,
        RowBatch batch,
        Func<DbDataReader, TKey> returnedKey,
        Func<int, TKey> rowKey,
        Action<TKey> changed,
        CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            await using var command = UnnestCommand(connection, transaction, sql, batch);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                changed(returnedKey(reader));
            }

            return;
        }

        using var statement = RowStatement(connection, sql, batch, out var columns);
        for (var i = 0; i < batch.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BindRow(statement, batch, columns, i);
            if (statement.Execute() == 1)
            {
                changed(rowKey(i));
            }
        }
    }

    /// <summary>
    /// Which rows of <paramref name="batch"/> <paramref name="sql"/> finds: on PostgreSQL one query over the rows
    /// <c>WITH ORDINALITY</c> that returns the 1-based position of each row found (see <see cref="RowsWithOrdinal"/>);
    /// on SQLite the query runs per row and a row is found when it returns anything, row <c>i</c> only once
    /// <paramref name="available"/> (when given) says it is there; the rows after the first it refuses stay not found.
    /// </summary>
    internal async Task<bool[]> ExecuteRowsFoundAsync(
        DbConnection connection, DbTransaction transaction, string sql, RowBatch batch, CancellationToken cancellationToken, Func<int, bool>? available = null)
    {
        var found = new bool[batch.Count];
        if (IsPostgres)
        {
            if (available is not null)
            {
                throw new NotSupportedException("PostgreSQL binds a batch's rows at once: they must all be there.");
            }

            // Planned for these rows every time (see SelectFoundRows), in the same round trip; the setting ends with the statement.
            await using var command = UnnestCommand(connection, transaction, $"{CustomPlanSql};\n{sql};\n{DefaultPlanSql}", batch);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    found[reader.GetInt64(0) - 1] = true;
                }
            }
            while (await reader.NextResultAsync(cancellationToken));

            return found;
        }

        using var statement = RowStatement(connection, sql, batch, out var columns);
        for (var i = 0; i < batch.Count && (available is null || available(i)); i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BindRow(statement, batch, columns, i);
            found[i] = statement.ExecuteScalarInt64() is not null;
        }

        return found;
    }

    /// <summary>
    /// Whether a large batch of records is best loaded by binary COPY into a staging table and moved with one
    /// statement (PostgreSQL: binding 1,000 ~1 KB payloads as a text array was the slow part of an ingest); SQLite
    /// steps one native statement per row (<see cref="ExecuteRowsAsync"/>), which is already its fastest way.
    /// </summary>
    public bool LoadsBatchesByCopy => IsPostgres;

    /// <summary>
    /// Whether a records page is read on the native statement (SQLite: Microsoft.Data.Sqlite's <c>GetBytes</c> built a
    /// stream after three column look-ups per call, 12% of a read's CPU); PostgreSQL reads it through the command.
    /// </summary>
    public bool ReadsPagesOnNativeStatement => !IsPostgres;

    /// <summary>
    /// An <see cref="ExecuteRowsFoundAsync"/> query: the batch's rows (columns named by <paramref name="columns"/>,
    /// written in <paramref name="condition"/> through <see cref="Row"/>) that have a match in <paramref name="table"/>.
    /// PostgreSQL looks each unnested row (<c>WITH ORDINALITY</c>) up in a <c>LATERAL</c> subquery with <c>LIMIT 1</c> and
    /// returns each found row's 1-based position; SQLite runs the lookup once per row and a row is found when it
    /// returns anything.
    /// </summary>
    /// <remarks>
    /// Why <c>LATERAL … LIMIT 1</c> rather than a join: the statement is auto-prepared on the bulk connections and its
    /// generic plan, once chosen, is kept until the table's statistics change. A join leaves the planner free to
    /// drive it from <paramref name="table"/>: planned while the table looked empty (a new database, or statistics
    /// not yet refreshed by autovacuum), the records probe became a scan of the whole dataset by its
    /// <c>(connection_id, model)</c> prefix with the unnested rows as the inner side, 6.1 s for 1,000 ids against
    /// a 20,000-row dataset (4.9 ms planned on fresh statistics). The lateral subquery can only run once per
    /// unnested row, so no plan scans the dataset once per batch (a hash join over it, 52 ms against 20,000 rows
    /// not yet analysed, was the shape a custom plan of the join took). And the statement is planned for its rows on
    /// every execution (<see cref="CustomPlanSql"/>, <c>SET LOCAL</c> around it in the same command): a generic plan
    /// made while the table was empty looked the ids up by the <c>(connection_id, model)</c> prefix of
    /// <c>records_by_seq</c> — a scan of the dataset per id — and was kept until autovacuum's next ANALYZE of the table;
    /// a custom plan sees the array's length and the table's current size (<c>PostgresRecordsBatchTests</c>).
    /// </remarks>
    public string SelectFoundRows(string table, string condition, params string[] columns) =>
        IsPostgres
            ? $"SELECT u.i FROM unnest({string.Join(", ", columns.Select(c => "@" + c))}) WITH ORDINALITY AS u({string.Join(", ", columns)}, i) CROSS JOIN LATERAL (SELECT 1 FROM {table} WHERE {condition} LIMIT 1) AS found"
            : $"SELECT 1 FROM {table} WHERE {condition}";

    /// <summary>PostgreSQL: the found-rows query is planned for its parameters on every execution (see <see cref="SelectFoundRows"/>).</summary>
    internal const string CustomPlanSql = "SET LOCAL plan_cache_mode = force_custom_plan";

    /// <summary>Back to the session's own plan cache mode for the rest of the transaction.</summary>
    private const string DefaultPlanSql = "SET LOCAL plan_cache_mode TO DEFAULT";

    private static string Unnest(string[] columns)
    {
        var names = string.Join(", ", columns);
        return $"unnest({string.Join(", ", columns.Select(c => "@" + c))}) AS u({names})";
    }

    private static NpgsqlCommand UnnestCommand(DbConnection connection, DbTransaction? transaction, string sql, RowBatch batch)
    {
        var command = (NpgsqlCommand)connection.Command(sql, transaction);
        foreach (var (name, value) in batch.SharedValues)
        {
            command.With(name, value);
        }

        foreach (var (name, given, number, utf8) in batch.Columns)
        {
            var text = given ?? (utf8 is null ? null : i => Encoding.UTF8.GetString(utf8(i).Span));
            if (text is not null)
            {
                var values = new string[batch.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = text(i);
                }

                command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values });
            }
            else
            {
                var values = new long[batch.Count];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = number!(i);
                }

                command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = values });
            }
        }

        return command;
    }

    /// <summary>
    /// Prepares <paramref name="sql"/> with the batch's shared values bound; <paramref name="columns"/> gets each
    /// column's parameter position. Every value must have its parameter, unless <paramref name="onlyItsParameters"/>:
    /// then the values the statement does not name are left out (position 0, which <see cref="BindRow"/> skips).
    /// </summary>
    private static SqliteRowStatement RowStatement(DbConnection connection, string sql, RowBatch batch, out int[] columns, bool onlyItsParameters = false)
    {
        var statement = SqliteRowStatement.Prepare((SqliteConnection)connection, sql);
        try
        {
            int Position(string name) => onlyItsParameters ? statement.ParameterOrZero(name) : statement.Parameter(name);
            foreach (var (name, value) in batch.SharedValues)
            {
                var position = Position(name);
                if (position == 0)
                {
                    continue;
                }

                if (value is long number)
                {
                    statement.Bind(position, number);
                }
                else
                {
                    statement.Bind(position, (string)value);
                }
            }

            columns = new int[batch.Columns.Count];
            for (var c = 0; c < columns.Length; c++)
            {
                columns[c] = Position(batch.Columns[c].Name);
            }

            return statement;
        }
        catch
        {
            statement.Dispose();
            throw;
        }
    }

    private static void BindRow(SqliteRowStatement statement, RowBatch batch, int[] columns, int row)
    {
        for (var c = 0; c < columns.Length; c++)
        {
            var (_, text, number, utf8) = batch.Columns[c];
            if (columns[c] == 0)
            {
                continue;
            }

            if (text is not null)
            {
                statement.Bind(columns[c], text(row));
            }
            else if (utf8 is not null)
            {
                statement.Bind(columns[c], utf8(row).Span);
            }
            else
            {
                statement.Bind(columns[c], number!(row));
            }
        }
    }
}
