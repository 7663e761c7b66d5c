using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Tributary.Storage.Sql;

/// <summary>
/// The hot statements of one native SQLite connection, prepared on its first use and kept while the connection lives:
/// the pool hands the same native connection to many <see cref="SqliteConnection"/> opens, and every one of them finds
/// its statements ready.
/// </summary>
/// <remarks>
/// <para>
/// Why: Microsoft.Data.Sqlite finalizes a command's statements when its <see cref="SqliteConnection"/> closes, so a
/// statement run once per open (a run's target load) was compiled again on every execution — 16% of the worker's CPU
/// while B4 drained 10,000 no-op runs (docs/benchmarks.md, sqliteruns and runs8).
/// </para>
/// <para>
/// Lifetime: the cache is part of its native connection's <see cref="SqliteHandleState"/>, which finalizes it once the pool
/// has released that connection.
/// Safety: a pooled native connection serves one open connection at a time, and a kept statement is lent to one
/// caller at a time; asked for SQL that is lent out already (a nested read), the cache prepares a one-off.
/// </para>
/// </remarks>
internal sealed class SqliteStatementCache : IDisposable
{
    /// <summary>Enough for every hot statement of the stores; SQL beyond it runs as a one-off (no cache grows without bound).</summary>
    internal const int Capacity = 16;

    private readonly sqlite3 _db;
    private readonly List<SqliteCachedStatement> _kept = [];
    private bool _disposed;

    internal SqliteStatementCache(sqlite3 db) => _db = db;

    /// <summary>Statements this connection prepared for the cache's callers (kept and one-off): for tests and diagnostics.</summary>
    internal int Preparations { get; private set; }

    /// <summary>How many statements the cache keeps now.</summary>
    internal int Kept => _kept.Count;

    /// <summary>The statements the cache keeps now: for tests.</summary>
    internal IReadOnlyList<SqliteCachedStatement> KeptStatements => _kept;

    /// <summary>The cache of <paramref name="connection"/>'s native connection.</summary>
    public static SqliteStatementCache Of(SqliteConnection connection) => SqliteHandleState.Of(connection).Statements;

    /// <summary>Lends <paramref name="sql"/> prepared on <paramref name="connection"/>; dispose it to hand it back.</summary>
    public static SqliteCachedStatement Rent(SqliteConnection connection, string sql) => Of(connection).Rent(sql);

    public SqliteCachedStatement Rent(string sql)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var known = false;
        foreach (var statement in _kept)
        {
            // The callers pass their SQL constants, so the reference usually matches before any character is compared.
            if (ReferenceEquals(statement.Sql, sql) || string.Equals(statement.Sql, sql, StringComparison.Ordinal))
            {
                if (!statement.Lent)
                {
                    statement.Lent = true;
                    return statement;
                }

                known = true;
                break;
            }
        }

        Preparations++;
        var keep = !known && _kept.Count < Capacity;
        var prepared = SqliteCachedStatement.Prepare(_db, sql, keep ? this : null);
        if (keep)
        {
            prepared.Lent = true;
            _kept.Add(prepared);
        }

        return prepared;
    }

    internal void Return(SqliteCachedStatement statement)
    {
        statement.Lent = false;
        if (_disposed)
        {
            statement.Close();
        }
    }

    /// <summary>Finalizes every kept statement (its native connection was released).</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var statement in _kept)
        {
            statement.Close();
        }

        _kept.Clear();
    }
}
