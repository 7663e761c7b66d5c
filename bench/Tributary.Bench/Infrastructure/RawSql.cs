using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Infrastructure;

/// <summary>
/// Short call sites for the bench's own SQL (baselines, checks, state resets between phases); parameters go through
/// the storage's own <see cref="DbCommandExtensions"/>.
/// </summary>
internal static class RawSql
{
    public static DbCommand RawCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.CommandTimeout = 600;
        return command;
    }

    public static DbCommand WithArray<T>(this DbCommand command, string name, T[] values, NpgsqlDbType elementType)
    {
        ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | elementType) { Value = values });
        return command;
    }

    public static async Task<long> ScalarAsync(this DbCommand command, CancellationToken cancellationToken)
    {
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public static async Task<int> ExecuteAsync(this DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.RawCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<long> QueryLongAsync(this DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.RawCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        return await command.ScalarAsync(cancellationToken);
    }

    public static async Task<List<string>> QueryStringsAsync(this DbConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.RawCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.With(name, value);
        }

        var result = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(reader.GetString(0));
        }

        return result;
    }
}
