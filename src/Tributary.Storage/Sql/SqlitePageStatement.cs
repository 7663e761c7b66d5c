using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tributary.Storage.Sql;

/// <summary>
/// A records page read straight on the SQLite handle: each step's payload is a span over SQLite's own copy of the
/// row, so a row costs a copy into the caller's buffer and nothing else.
/// </summary>
/// <remarks>
/// Why not <see cref="SqliteDataReader.GetBytes"/>: Microsoft.Data.Sqlite answers every call with a new stream, after
/// three native look-ups of the column's database, table and origin names (to offer incremental blob I/O) and a copy
/// of the value into a new array. Asked twice per row (length, then bytes), that was the largest item of the
/// <c>GET /records</c> profile on SQLite (12% of the server's CPU at 100 records a page).
/// </remarks>
internal sealed class SqlitePageStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    private SqlitePageStatement(sqlite3 db, sqlite3_stmt statement)
    {
        _db = db;
        _statement = statement;
    }

    public static SqlitePageStatement Prepare(SqliteConnection connection, string sql)
    {
        var (db, statement) = SqliteRowStatement.PrepareNative(connection, sql);
        return new SqlitePageStatement(db, statement);
    }

    public SqlitePageStatement Bind(string name, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, Parameter(name), value));
        return this;
    }

    public SqlitePageStatement Bind(string name, string value)
    {
        Check(raw.sqlite3_bind_text16(_statement, Parameter(name), value.AsSpan()));
        return this;
    }

    /// <summary>Moves to the next row; false once the statement is done.</summary>
    public bool Step() => SqliteNative.Step(_db, _statement);

    /// <summary>The column's bytes as stored (a TEXT column's UTF-8), valid until the next step.</summary>
    public ReadOnlySpan<byte> Bytes(int column) => raw.sqlite3_column_blob(_statement, column);

    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public long Int64(int column) => raw.sqlite3_column_int64(_statement, column);

    public long? NullableInt64(int column) =>
        raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_statement, column);

    public void Dispose() => _statement.Dispose();

    private int Parameter(string name) => SqliteNative.Parameter(_statement, name);

    private void Check(int rc, int expected = raw.SQLITE_OK) => SqliteNative.Check(_db, rc, expected);
}
