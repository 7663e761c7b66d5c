using System.Data.Common;

namespace Tributary.Storage.Sql;

/// <summary>
/// The current row of a result, read by position: a data reader's (<see cref="DataReaderRow"/>) or a statement kept
/// prepared on a native SQLite connection (<see cref="SqliteCachedStatement"/>), so one row reader serves both databases.
/// </summary>
/// <remarks>A non-nullable getter throws on NULL, as <see cref="DbDataReader"/>'s do.</remarks>
internal interface ISqlRow
{
    /// <summary>The position of the column named <paramref name="name"/> in the result.</summary>
    int GetOrdinal(string name);

    long GetInt64(int column);

    string GetString(int column);

    long? GetNullableInt64(int column);

    string? GetNullableString(int column);

    /// <summary>A BLOB (SQLite) or <c>bytea</c> (PostgreSQL) column's bytes, copied.</summary>
    byte[] GetBytes(int column);
}

/// <summary>A data reader's current row as an <see cref="ISqlRow"/>.</summary>
internal sealed class DataReaderRow(DbDataReader reader) : ISqlRow
{
    public int GetOrdinal(string name) => reader.GetOrdinal(name);

    public long GetInt64(int column) => reader.GetInt64(column);

    public string GetString(int column) => reader.GetString(column);

    public long? GetNullableInt64(int column) => reader.IsDBNull(column) ? null : reader.GetInt64(column);

    public string? GetNullableString(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    public byte[] GetBytes(int column) => (byte[])reader.GetValue(column);
}
