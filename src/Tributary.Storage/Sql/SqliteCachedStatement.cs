using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tributary.Storage.Sql;

/// <summary>
/// One statement kept prepared on a native SQLite connection by its <see cref="SqliteStatementCache"/>, lent to one
/// caller at a time: bind, step through its rows (read as an <see cref="ISqlRow"/>), then dispose to hand it back.
/// </summary>
/// <remarks>
/// Handing it back resets it (its read ends, so it holds no snapshot and no lock) and clears its bindings. A statement
/// the cache did not keep (its SQL already lent out, or the cache full) is finalized instead. It runs inside whatever
/// transaction the connection has open, as <see cref="SqliteRowStatement"/> does.
/// </remarks>
internal sealed class SqliteCachedStatement : ISqlRow, IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly SqliteStatementCache? _cache;

    /// <summary>The result's column names, read once per prepared statement (they do not change while it lives).</summary>
    private string[]? _names;

    private SqliteCachedStatement(sqlite3 db, sqlite3_stmt statement, string sql, SqliteStatementCache? cache)
    {
        _db = db;
        _statement = statement;
        Sql = sql;
        _cache = cache;
    }

    /// <summary>The SQL it was prepared from (the cache's key).</summary>
    public string Sql { get; }

    /// <summary>Whether a caller holds it now (only ever set for a kept statement).</summary>
    internal bool Lent { get; set; }

    /// <summary>How often SQLite compiled the statement again since it was prepared (<c>SQLITE_STMTSTATUS_REPREPARE</c>): for tests.</summary>
    internal int Reprepares => raw.sqlite3_stmt_status(_statement, StatementReprepares, 0);

    /// <summary><c>SQLITE_STMTSTATUS_REPREPARE</c>, which SQLitePCLRaw does not name.</summary>
    private const int StatementReprepares = 5;

    /// <summary>Whether SQLite's statement is finalized (after its connection closed, or a one-off's use).</summary>
    internal bool IsFinalized => _statement.IsClosed;

    internal static SqliteCachedStatement Prepare(sqlite3 db, string sql, SqliteStatementCache? cache)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        return new SqliteCachedStatement(db, statement, sql, cache);
    }

    public SqliteCachedStatement Bind(string name, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, Parameter(name), value));
        return this;
    }

    public SqliteCachedStatement Bind(string name, string? value)
    {
        var index = Parameter(name);
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));
        return this;
    }

    /// <summary>Moves to the next row; false once the statement is done (a write's changes are made by then).</summary>
    public bool Step() => SqliteNative.Step(_db, _statement);

    /// <summary>The position of the column named <paramref name="name"/> (case-insensitive, as the data reader's).</summary>
    public int GetOrdinal(string name)
    {
        _names ??= ColumnNames();
        var index = Array.FindIndex(_names, n => string.Equals(n, name, StringComparison.Ordinal));
        index = index >= 0 ? index : Array.FindIndex(_names, n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(name), name, "The statement returns no such column.");
    }

    public long GetInt64(int column) => IsNull(column)
        ? throw NullColumn(column)
        : raw.sqlite3_column_int64(_statement, column);

    public string GetString(int column) => IsNull(column)
        ? throw NullColumn(column)
        : raw.sqlite3_column_text(_statement, column).utf8_to_string();

    /// <summary>
    /// A NOT NULL column's integer, read without asking its type first: one native call instead of two, for the
    /// records page's per-row reads (five columns of every row of a 1,000-row page).
    /// </summary>
    public long GetNotNullInt64(int column) => raw.sqlite3_column_int64(_statement, column);

    /// <summary>A NOT NULL column's text, read without asking its type first (see <see cref="GetNotNullInt64"/>).</summary>
    public string GetNotNullString(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public long? GetNullableInt64(int column) => IsNull(column) ? null : raw.sqlite3_column_int64(_statement, column);

    public string? GetNullableString(int column) => IsNull(column) ? null : raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public byte[] GetBytes(int column) => IsNull(column)
        ? throw NullColumn(column)
        : raw.sqlite3_column_blob(_statement, column).ToArray();

    /// <summary>The column's bytes as stored (a TEXT column's UTF-8, empty for NULL), valid until the next step.</summary>
    /// <remarks>
    /// The records page's payload read: a span over SQLite's own copy of the row, so a row costs one copy into the
    /// caller's buffer. <see cref="Microsoft.Data.Sqlite.SqliteDataReader.GetBytes"/> answers every call with a new
    /// stream, after three native look-ups of the column's database, table and origin names and a copy into a new array;
    /// asked twice per row (length, then bytes), that was 12% of the server's CPU at 100 records a page.
    /// </remarks>
    public ReadOnlySpan<byte> GetSpan(int column) => raw.sqlite3_column_blob(_statement, column);

    /// <summary>Hands the statement back to its cache (reset, bindings cleared), or finalizes a one-off.</summary>
    public void Dispose()
    {
        if (_cache is null || _statement.IsClosed)
        {
            _statement.Dispose();
            return;
        }

        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
        _cache.Return(this);
    }

    /// <summary>Finalizes SQLite's statement (its cache's connection is closing).</summary>
    internal void Close() => _statement.Dispose();

    private string[] ColumnNames()
    {
        var names = new string[raw.sqlite3_column_count(_statement)];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = raw.sqlite3_column_name(_statement, i).utf8_to_string();
        }

        return names;
    }

    private bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    private InvalidOperationException NullColumn(int column) =>
        new($"Column {column} ({raw.sqlite3_column_name(_statement, column).utf8_to_string()}) is NULL.");

    private int Parameter(string name) => SqliteNative.Parameter(_statement, name);

    private void Check(int rc, int expected = raw.SQLITE_OK) => SqliteNative.Check(_db, rc, expected);
}
