using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Tributary.Storage.Sql;

/// <summary>
/// Hot reads: the statements every run makes (its target, its claim). On SQLite they run on statements kept prepared
/// per native connection (<see cref="SqliteStatementCache"/>); on PostgreSQL as ordinary commands, which Npgsql's
/// automatic preparation already keeps prepared per connection (<see cref="Database.Postgres"/>).
/// </summary>
public sealed partial class SqlDialect
{
    /// <summary>
    /// As <see cref="ReadHotAsync{T}(DbConnection, DbTransaction?, string, IReadOnlyList{ValueTuple{string, object?}}, Func{ISqlRow, T}, CancellationToken)"/>,
    /// with a reader that finds its columns by name once (<paramref name="columns"/>, on the first row).
    /// </summary>
    internal Task<List<T>> ReadHotAsync<T>(
        DbConnection connection,
        DbTransaction? transaction,
        string sql,
        IReadOnlyList<(string Name, object? Value)> arguments,
        Func<ISqlRow, Func<ISqlRow, T>> columns,
        CancellationToken cancellationToken)
    {
        Func<ISqlRow, T>? read = null;
        return ReadHotAsync(connection, transaction, sql, arguments, row => (read ??= columns(row))(row), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="sql"/> with <paramref name="arguments"/> (text, integers or null; a null is bound as text)
    /// and reads every row it returns with <paramref name="read"/>.
    /// </summary>
    internal async Task<List<T>> ReadHotAsync<T>(
        DbConnection connection,
        DbTransaction? transaction,
        string sql,
        IReadOnlyList<(string Name, object? Value)> arguments,
        Func<ISqlRow, T> read,
        CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        if (IsPostgres)
        {
            await using var command = connection.Command(sql, transaction);
            foreach (var (name, value) in arguments)
            {
                if (value is null)
                {
                    BindNullable(command, name, (string?)null);
                }
                else
                {
                    command.With(name, value);
                }
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var row = new DataReaderRow(reader);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(row));
            }

            return rows;
        }

        cancellationToken.ThrowIfCancellationRequested();
        using var statement = SqliteStatementCache.Rent((SqliteConnection)connection, sql);
        foreach (var (name, value) in arguments)
        {
            _ = value switch
            {
                null => statement.Bind(name, (string?)null),
                string text => statement.Bind(name, text),
                long number => statement.Bind(name, number),
                int number => statement.Bind(name, number),
                _ => throw new ArgumentException($"A hot read binds text, integers or null, not {value.GetType().Name}.", nameof(arguments)),
            };
        }

        while (statement.Step())
        {
            rows.Add(read(statement));
        }

        return rows;
    }
}
