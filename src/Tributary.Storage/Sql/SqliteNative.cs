using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tributary.Storage.Sql;

/// <summary>
/// What the two statements kept on SQLite's native handle (<see cref="SqliteRowStatement"/>,
/// <see cref="SqliteCachedStatement"/>) do alike: find a named parameter, turn a
/// return code into Microsoft.Data.Sqlite's exception, step to the next row.
/// </summary>
internal static class SqliteNative
{
    /// <summary>The position of <c>@name</c> in the statement; throws if the statement has no such parameter.</summary>
    public static int Parameter(sqlite3_stmt statement, string name)
    {
        var index = raw.sqlite3_bind_parameter_index(statement, "@" + name);
        return index > 0 ? index : throw new ArgumentException($"The statement has no parameter @{name}.", nameof(name));
    }

    /// <summary>Throws the connection's error when <paramref name="rc"/> is not <paramref name="expected"/>.</summary>
    public static void Check(sqlite3 db, int rc, int expected = raw.SQLITE_OK)
    {
        if (rc != expected)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
            throw new SqliteException($"SQLite returned {rc} where {expected} was expected.", rc);
        }
    }

    /// <summary>Moves to the next row; false once the statement is done (a write's changes are made by then).</summary>
    public static bool Step(sqlite3 db, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        Check(db, rc, raw.SQLITE_DONE);
        return false;
    }
}
