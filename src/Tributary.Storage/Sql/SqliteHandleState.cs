using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tributary.Storage.Sql;

/// <summary>
/// What this process keeps for one native SQLite connection across the pool's opens: whether its settings have run
/// (<see cref="Database.OpenAsync"/>) and its kept statements (<see cref="SqliteStatementCache"/>). One weak table keyed
/// by the native handle holds it; an entry goes when its handle is released or collected.
/// </summary>
/// <remarks>
/// The pool releases a handle with <c>sqlite3_close_v2</c>, which leaves the connection open (a "zombie") until its last
/// statement is finalized; so the statements of released handles are finalized on the next new handle's first open and
/// when a <see cref="Database"/> is disposed (<see cref="ReleaseClosed"/>), and by their finalizers at the latest. (The
/// handle's own "extra" slot, which it disposes with itself, is taken: SQLitePCL keeps its hook handles there.)
/// </remarks>
internal sealed class SqliteHandleState
{
    private static readonly ConditionalWeakTable<sqlite3, SqliteHandleState> States = new();

    private SqliteHandleState(sqlite3 db) => Statements = new SqliteStatementCache(db);

    /// <summary>Whether <see cref="Database"/>'s settings have run on this native connection.</summary>
    public bool Configured { get; set; }

    /// <summary>The hot statements kept prepared on this native connection.</summary>
    public SqliteStatementCache Statements { get; }

    /// <summary>The state of <paramref name="connection"/>'s native connection, created on its first open.</summary>
    public static SqliteHandleState Of(SqliteConnection connection)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        if (States.TryGetValue(db, out var state))
        {
            return state;
        }

        // A new native connection is rare (the pool keeps them): the moment to let the released ones close for good.
        ReleaseClosed();
        state = new SqliteHandleState(db);
        States.AddOrUpdate(db, state);
        return state;
    }

    /// <summary>Finalizes the kept statements of every native connection the pool has released, so it closes now.</summary>
    public static void ReleaseClosed()
    {
        List<KeyValuePair<sqlite3, SqliteHandleState>>? closed = null;
        foreach (var entry in States)
        {
            if (entry.Key.IsClosed)
            {
                (closed ??= []).Add(entry);
            }
        }

        foreach (var (db, state) in closed ?? [])
        {
            // Two new connections may sweep at once: the one that removes the entry finalizes its statements.
            if (States.Remove(db))
            {
                state.Statements.Dispose();
            }
        }
    }
}
