using System.Data.Common;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tributary.Core.Ports;

namespace Tributary.Storage.Sql;

/// <summary>
/// Which storage failures pass by themselves, for PostgreSQL (Npgsql) and SQLite; see <see cref="ITransientErrors"/>.
/// </summary>
/// <remarks>
/// A bare <see cref="TimeoutException"/> or <see cref="IOException"/> counts only when the storage or a database
/// driver threw it (the write gate's wait, a socket read): a function's own HTTP timeout is its error, not ours.
/// </remarks>
internal sealed class TransientDatabaseErrors : ITransientErrors
{
    /// <summary>How deep a chain of wrapped exceptions is searched (a function may wrap ours in its own).</summary>
    private const int MaxDepth = 16;

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;

    private static readonly Assembly[] StorageAssemblies =
    [
        typeof(TransientDatabaseErrors).Assembly,
        typeof(NpgsqlConnection).Assembly,
        typeof(SqliteConnection).Assembly,
    ];

    public static TransientDatabaseErrors Instance { get; } = new();

    public bool IsTransient(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var pending = new Stack<(Exception Exception, int Depth)>();
        pending.Push((exception, 0));
        while (pending.TryPop(out var next))
        {
            var (current, depth) = next;
            if (current is OperationCanceledException)
            {
                continue;
            }

            if (IsTransientItself(current))
            {
                return true;
            }

            if (depth >= MaxDepth)
            {
                continue;
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Push((inner, depth + 1));
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Push((inner, depth + 1));
            }
        }

        return false;
    }

    private static bool IsTransientItself(Exception exception) => exception switch
    {
        PostgresException postgres => IsTransientSqlState(postgres.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient,
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked or SqliteIoError or SqliteFull,
        DbException db => db.IsTransient,
        TimeoutException or IOException => ThrownByStorage(exception),
        _ => false,
    };

    /// <summary>
    /// Connection exceptions (class 08), insufficient resources (53: disk full, out of memory, too many
    /// connections), a server shutting down or starting up (57P01-57P03), and the two errors a retry resolves
    /// (serialization failure 40001, deadlock 40P01).
    /// </summary>
    internal static bool IsTransientSqlState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState is "57P01" or "57P02" or "57P03"
        || IsAbortedToBreakAConflict(sqlState);

    /// <summary>
    /// A transaction PostgreSQL aborted whole to break a conflict with another (serialization failure 40001, deadlock
    /// 40P01): nothing of it was applied, and running it again is the remedy.
    /// </summary>
    internal static bool IsAbortedToBreakAConflict(string sqlState) => sqlState is "40001" or "40P01";

    private static bool ThrownByStorage(Exception exception) =>
        exception.TargetSite?.DeclaringType?.Assembly is { } assembly && StorageAssemblies.Contains(assembly);
}
