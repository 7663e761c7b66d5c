using System.Data.Common;

namespace Tributary.Storage.Sql;

/// <summary>Inserted-row detection: which rows an upsert inserted rather than updated on conflict.</summary>
public sealed partial class SqlDialect
{
    /// <summary>
    /// The last column of the upsert's RETURNING: PostgreSQL's <c>xmax = 0</c> (the row has no earlier version, so
    /// this statement inserted it); a placeholder on SQLite, which cannot tell (see <see cref="DetectInsertsAsync"/>).
    /// </summary>
    public string InsertedColumn => IsPostgres ? "(xmax = 0)" : "NULL";

    /// <summary>
    /// Runs before the upsert. SQLite reads the keys that will conflict (<paramref name="conflictingKeysSql"/>, one
    /// text column), which cannot race inside its exclusive write transaction; PostgreSQL reads nothing.
    /// </summary>
    public async Task<InsertedRows> DetectInsertsAsync(
        DbConnection connection,
        DbTransaction transaction,
        string conflictingKeysSql,
        Func<DbCommand, DbCommand> bind,
        CancellationToken cancellationToken)
    {
        if (IsPostgres)
        {
            return InsertedRows.ByColumn;
        }

        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using var command = bind(connection.Command(conflictingKeysSql, transaction));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            existing.Add(reader.GetString(0));
        }

        return new InsertedRows(existing);
    }
}

/// <summary>Tells, for each row an upsert returned, whether it was inserted; see <see cref="SqlDialect.DetectInsertsAsync"/>.</summary>
public sealed class InsertedRows
{
    internal static readonly InsertedRows ByColumn = new(null);

    private readonly HashSet<string>? _existing;

    internal InsertedRows(HashSet<string>? existing)
    {
        _existing = existing;
    }

    /// <param name="insertedOrdinal">The position of <see cref="SqlDialect.InsertedColumn"/> in the row.</param>
    /// <param name="key">The row's conflict key, as the pre-read returned it.</param>
    public bool WasInserted(DbDataReader row, int insertedOrdinal, string key) =>
        _existing is null ? row.GetBoolean(insertedOrdinal) : !_existing.Contains(key);
}
