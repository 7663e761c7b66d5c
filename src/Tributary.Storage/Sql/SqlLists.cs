using System.Data.Common;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Tributary.Storage.Sql;

/// <summary>
/// The one dialect difference every set-based statement needs: passing a list of values as one parameter.
/// PostgreSQL takes an array (<c>= ANY(@ids)</c>, <c>unnest(@ids)</c>); SQLite takes JSON text read with
/// <c>json_each</c>. Both keep a 10,000-target statement one round trip with one parameter.
/// </summary>
internal static class SqlLists
{
    /// <summary>A table expression with one column <c>value</c>, e.g. <c>FROM {Rows(db, "ids")} AS l</c>.</summary>
    public static string Rows(Database database, string parameter) =>
        database.IsPostgres ? $"unnest(@{parameter}) AS l(value)" : $"json_each(@{parameter}) AS l";

    /// <summary>A predicate <c>column IN list</c>.</summary>
    public static string In(Database database, string column, string parameter) =>
        database.IsPostgres ? $"{column} = ANY(@{parameter})" : $"{column} IN (SELECT value FROM json_each(@{parameter}))";

    public static DbCommand WithList(this DbCommand command, string name, IReadOnlyList<string> values)
    {
        if (command is NpgsqlCommand npgsql)
        {
            npgsql.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() });
            return command;
        }

        return command.With(name, JsonSerializer.Serialize(values, SqlJson.Default.IReadOnlyListString));
    }

    public static DbCommand WithList(this DbCommand command, string name, IReadOnlyList<long> values)
    {
        if (command is NpgsqlCommand npgsql)
        {
            npgsql.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = values.ToArray() });
            return command;
        }

        return command.With(name, JsonSerializer.Serialize(values, SqlJson.Default.IReadOnlyListInt64));
    }
}
