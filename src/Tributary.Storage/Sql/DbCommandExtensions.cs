using System.Data.Common;

namespace Tributary.Storage.Sql;

/// <summary>Small helpers that keep hand-written SQL call sites short.</summary>
internal static class DbCommandExtensions
{
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Binds bytes that may be null, typed as binary so PostgreSQL knows a null's type.</summary>
    public static DbCommand WithBytes(this DbCommand command, string name, byte[]? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = System.Data.DbType.Binary;
        parameter.Value = value ?? (object)DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Binds a list parameter the dialect's way (see <see cref="SqlDialect.BindList(DbCommand, string, IReadOnlyList{string})"/>).</summary>
    public static DbCommand WithList(this DbCommand command, SqlDialect dialect, string name, IReadOnlyList<string> values) =>
        dialect.BindList(command, name, values);

    public static DbCommand WithList(this DbCommand command, SqlDialect dialect, string name, IReadOnlyList<long> values) =>
        dialect.BindList(command, name, values);

    /// <summary>Binds a parameter that may be null (see <see cref="SqlDialect.BindNullable(DbCommand, string, string?)"/>).</summary>
    public static DbCommand WithNullable(this DbCommand command, SqlDialect dialect, string name, string? value) =>
        dialect.BindNullable(command, name, value);

    public static DbCommand WithNullable(this DbCommand command, SqlDialect dialect, string name, long? value) =>
        dialect.BindNullable(command, name, value);

    public static DbParameter Parameter(this DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public static long? GetNullableInt64(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static async Task<long> ScalarInt64Async(this DbCommand command, CancellationToken cancellationToken)
    {
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
