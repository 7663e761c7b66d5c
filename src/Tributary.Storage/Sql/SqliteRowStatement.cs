using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tributary.Storage.Sql;

/// <summary>
/// One SQLite statement prepared on an open connection and run once per row of a batch, straight on the SQLite
/// handle: a bound string is encoded to UTF-8 into the statement's one reusable buffer and handed over as UTF-8.
/// </summary>
/// <remarks>
/// Why not a prepared <see cref="SqliteCommand"/>: each of its executions allocates a data reader, boxes every
/// value and copies every string into a new UTF-8 array — about 4.5 KB of garbage per 1 KB record, twice what
/// preparing the record costs. Saving a million records turned that into GC heap growth (benchmark B11). Here a
/// row costs no managed allocation. The statement runs inside whatever transaction the connection has open.
/// <para>
/// Why UTF-8 here and not <c>sqlite3_bind_text16</c>: the database is UTF-8, so SQLite translated every UTF-16 value
/// character by character (<c>sqlite3VdbeMemTranslate</c>, 10% of a records run's samples), after copying twice its
/// bytes. .NET's encoder is vectorised: 200,000 inserts of a 1 KB payload took ~1.5–1.6 s of CPU bound as UTF-16 and
/// ~1.3 s bound as UTF-8 (docs/architecture.md, "SQLite row statements").
/// </para>
/// </remarks>
internal sealed class SqliteRowStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <summary>The UTF-8 of the value being bound; SQLite copies it on bind (SQLITE_TRANSIENT), so one buffer serves all.</summary>
    private byte[] _utf8 = new byte[1024];

    private SqliteRowStatement(sqlite3 db, sqlite3_stmt statement)
    {
        _db = db;
        _statement = statement;
    }

    public static SqliteRowStatement Prepare(SqliteConnection connection, string sql)
    {
        var (db, statement) = SqliteRowStatement.PrepareNative(connection, sql);
        return new SqliteRowStatement(db, statement);
    }

    /// <summary>Prepares <paramref name="sql"/> on the connection's native handle.</summary>
    private static (sqlite3 Db, sqlite3_stmt Statement) PrepareNative(SqliteConnection connection, string sql)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement);
        SqliteException.ThrowExceptionForRC(rc, db);
        return (db, statement);
    }

    /// <summary>The position of <c>@name</c> in the statement; throws if the statement has no such parameter.</summary>
    public int Parameter(string name) => SqliteNative.Parameter(_statement, name);

    /// <summary>The position of <c>@name</c> in the statement, or 0 when it has no such parameter.</summary>
    public int ParameterOrZero(string name) => raw.sqlite3_bind_parameter_index(_statement, "@" + name);

    /// <summary>
    /// The rowid of the connection's last successful insert into a rowid table (<c>sqlite3_last_insert_rowid</c>). An
    /// upsert that updated a row instead of inserting one leaves it as it was.
    /// </summary>
    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    public SqliteRowStatement Bind(string name, long value)
    {
        Bind(Parameter(name), value);
        return this;
    }

    public SqliteRowStatement Bind(string name, string value)
    {
        Bind(Parameter(name), value);
        return this;
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, string value)
    {
        if (value.Length == 0)
        {
            // An empty span pins to a null pointer, which SQLite would bind as NULL: the zero-terminated form binds ''.
            Check(raw.sqlite3_bind_text(_statement, index, string.Empty));
            return;
        }

        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (_utf8.Length < most)
        {
            _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
        }

        var length = Encoding.UTF8.GetBytes(value, _utf8);
        Check(raw.sqlite3_bind_text(_statement, index, _utf8.AsSpan(0, length)));
    }

    /// <summary>Binds text given as its UTF-8 bytes, as they are (SQLite copies them).</summary>
    public void Bind(int index, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            // As for an empty string: an empty span would bind NULL.
            Check(raw.sqlite3_bind_text(_statement, index, string.Empty));
            return;
        }

        Check(raw.sqlite3_bind_text(_statement, index, utf8));
    }

    /// <summary>Runs the statement for the values bound now and returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW)
            {
            }

            Check(rc, raw.SQLITE_DONE);
            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs the statement and returns the first column of its first row, or null when it returned none.</summary>
    /// <remarks>A write with RETURNING makes all its changes on the first step (SQLite's documented behaviour).</remarks>
    public long? ExecuteScalarInt64()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW)
            {
                return raw.sqlite3_column_int64(_statement, 0);
            }

            Check(rc, raw.SQLITE_DONE);
            return null;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc, int expected = raw.SQLITE_OK) => SqliteNative.Check(_db, rc, expected);
}
