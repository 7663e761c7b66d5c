using System.Data.Common;
using System.Text.Json;
using Tributary.Core.Domain;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>
/// The column lists and row readers of the control tables, written once: every store that selects an
/// integration, a sync config, a connection or a sync reads it here, so the column order and the reader cannot drift.
/// </summary>
internal static class SqlRows
{
    /// <summary>An integration's columns (no FROM: also used in RETURNING).</summary>
    public const string IntegrationColumns = "id, environment_id, unique_key, provider, display_name, base_url, created_at, updated_at";

    public const string SyncConfigColumns = """
        id, integration_id, name, function_name, models, frequency, frequency_ms, auto_start, sync_type, track_deletes, enabled
        FROM sync_configs
        """;

    public const string ConnectionColumns = """
        c.id, c.environment_id, c.integration_id, i.unique_key, i.provider, c.connection_id, c.credentials_type, c.credentials,
        c.metadata, c.created_at, c.updated_at
        FROM connections c JOIN integrations i ON i.id = c.integration_id
        """;

    public const string SyncColumns = """
        s.id, s.connection_id, c.connection_id, s.sync_config_id, s.name, s.variant, s.frequency_override, sc.frequency,
        s.frequency_ms, s.schedule_state, s.next_due_at, s.last_sync_date, sc.models
        FROM syncs s
        JOIN connections c ON c.id = s.connection_id
        JOIN sync_configs sc ON sc.id = s.sync_config_id
        """;

    public static Integration ReadIntegration(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetNullableString(4),
        reader.GetNullableString(5),
        reader.GetInt64(6),
        reader.GetInt64(7));

    public static SyncConfig ReadSyncConfig(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(3),
        ParseModels(reader.GetString(4)),
        reader.GetString(5),
        reader.GetInt64(6),
        reader.GetInt64(7) != 0,
        reader.GetString(8),
        reader.GetInt64(9) != 0,
        reader.GetInt64(10) != 0);

    public static Connection ReadConnection(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        (byte[])reader.GetValue(7),
        reader.GetString(8),
        reader.GetInt64(9),
        reader.GetInt64(10));

    public static SyncRow ReadSync(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetInt64(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetNullableString(6),
        reader.GetString(7),
        reader.GetInt64(8),
        reader.GetString(9),
        reader.GetInt64(10),
        reader.GetNullableInt64(11),
        ParseModels(reader.GetString(12)));

    /// <summary>Reads every row of <paramref name="command"/> with <paramref name="read"/>.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var result = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(read(reader));
        }

        return result;
    }

    /// <summary>The first row of <paramref name="command"/> read with <paramref name="read"/>, or null when it has none.</summary>
    public static async Task<T?> ReadFirstAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }

    /// <summary>
    /// Binds a text parameter that may be null: a null parameter has no type, and PostgreSQL must still know it is
    /// text to compare and coalesce it ("could not determine data type").
    /// </summary>
    public static DbCommand WithText(this DbCommand command, Database database, string name, string? value)
    {
        command.With(name, value);
        if (database.IsPostgres && value is null)
        {
            ((Npgsql.NpgsqlParameter)command.Parameters[name]).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        }

        return command;
    }

    private static List<string> ParseModels(string json) =>
        JsonSerializer.Deserialize(json, SqlJson.Default.ListString) ?? [];
}
