using System.Data.Common;
using System.Text.Json;
using Tributary.Core.Domain;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Reads one row of a result set whose columns were looked up once (see <see cref="SqlRows"/>).</summary>
internal delegate T RowReader<out T>(DbDataReader row);

/// <summary>
/// The column lists and row readers of the control tables and runs, written once: every store that selects an
/// integration, a sync config, a connection, a sync or a run reads it here. A reader finds its columns by name
/// (<c>GetOrdinal</c>) once per result set, so a column list may change order without a reader reading the wrong column.
/// </summary>
internal static class SqlRows
{
    /// <summary>An integration's columns (no FROM: also used in RETURNING).</summary>
    public const string IntegrationColumns = "id, environment_id, unique_key, provider, display_name, base_url, created_at, updated_at, forward_webhooks";

    public const string SyncConfigColumns = """
        id, integration_id, name, function_name, models, frequency, frequency_ms, auto_start, sync_type, track_deletes, enabled, updated_at
        FROM sync_configs
        """;

    public const string ConnectionColumns = """
        c.id, c.environment_id, c.integration_id, i.unique_key, i.provider, c.connection_id, c.credentials_type, c.credentials,
        c.metadata, c.created_at, c.updated_at, c.webhook_url_override, c.end_user, c.tags, c.refresh_error, c.last_refresh_failure, c.refresh_attempts
        FROM connections c JOIN integrations i ON i.id = c.integration_id
        """;

    public const string SyncColumns = """
        s.id, s.connection_id AS connection_db_id, c.connection_id, s.sync_config_id, s.name, s.variant, s.frequency_override,
        sc.frequency, s.frequency_ms, s.schedule_state, s.next_due_at, s.last_sync_date, sc.models, sc.sync_type
        FROM syncs s
        JOIN connections c ON c.id = s.connection_id
        JOIN sync_configs sc ON sc.id = s.sync_config_id
        """;

    public const string RunColumns = """
        r.id, r.sync_id, s.name AS sync_name, s.variant, c.connection_id, i.unique_key, r.state, r.trigger_source, r.initiator,
        r.reset, r.empty_cache, r.batch_id, r.attempt, r.queued_at, r.started_at, r.finished_at, r.job_type, r.result, r.error
        FROM runs r
        JOIN syncs s ON s.id = r.sync_id
        JOIN connections c ON c.id = s.connection_id
        JOIN integrations i ON i.id = c.integration_id
        """;

    public static RowReader<Integration> Integration(DbDataReader reader) => OnReader(reader, IntegrationReader);

    /// <summary>The integration reader of a result, its columns found by name once.</summary>
    public static Func<ISqlRow, Integration> IntegrationReader(ISqlRow reader)
    {
        int id = reader.GetOrdinal("id"), environment = reader.GetOrdinal("environment_id"), key = reader.GetOrdinal("unique_key"),
            provider = reader.GetOrdinal("provider"), display = reader.GetOrdinal("display_name"), baseUrl = reader.GetOrdinal("base_url"),
            created = reader.GetOrdinal("created_at"), updated = reader.GetOrdinal("updated_at"), forward = reader.GetOrdinal("forward_webhooks");
        return row => new Integration(
            row.GetInt64(id),
            row.GetInt64(environment),
            row.GetString(key),
            row.GetString(provider),
            row.GetNullableString(display),
            row.GetNullableString(baseUrl),
            row.GetInt64(created),
            row.GetInt64(updated),
            row.GetInt64(forward) != 0);
    }

    public static RowReader<SyncConfig> SyncConfig(DbDataReader reader) => OnReader(reader, SyncConfigReader);

    /// <summary>The sync config reader of a result, its columns found by name once.</summary>
    public static Func<ISqlRow, SyncConfig> SyncConfigReader(ISqlRow reader)
    {
        int id = reader.GetOrdinal("id"), integration = reader.GetOrdinal("integration_id"), name = reader.GetOrdinal("name"),
            function = reader.GetOrdinal("function_name"), models = reader.GetOrdinal("models"), frequency = reader.GetOrdinal("frequency"),
            frequencyMs = reader.GetOrdinal("frequency_ms"), autoStart = reader.GetOrdinal("auto_start"), syncType = reader.GetOrdinal("sync_type"),
            trackDeletes = reader.GetOrdinal("track_deletes"), enabled = reader.GetOrdinal("enabled"),
            updatedAt = reader.GetOrdinal("updated_at");
        return row => new SyncConfig(
            row.GetInt64(id),
            row.GetInt64(integration),
            row.GetString(name),
            row.GetString(function),
            ParseModels(row.GetString(models)),
            row.GetString(frequency),
            row.GetInt64(frequencyMs),
            row.GetInt64(autoStart) != 0,
            row.GetString(syncType),
            row.GetInt64(trackDeletes) != 0,
            row.GetInt64(enabled) != 0)
        {
            UpdatedAt = row.GetInt64(updatedAt),
        };
    }

    public static RowReader<Connection> Connection(DbDataReader reader) => OnReader(reader, ConnectionReader);

    /// <summary>The connection reader of a result, its columns found by name once.</summary>
    public static Func<ISqlRow, Connection> ConnectionReader(ISqlRow reader)
    {
        int id = reader.GetOrdinal("id"), environment = reader.GetOrdinal("environment_id"), integration = reader.GetOrdinal("integration_id"),
            key = reader.GetOrdinal("unique_key"), provider = reader.GetOrdinal("provider"), connectionId = reader.GetOrdinal("connection_id"),
            credentialsType = reader.GetOrdinal("credentials_type"), credentials = reader.GetOrdinal("credentials"),
            metadata = reader.GetOrdinal("metadata"), created = reader.GetOrdinal("created_at"), updated = reader.GetOrdinal("updated_at"),
            urlOverride = reader.GetOrdinal("webhook_url_override"), endUser = reader.GetOrdinal("end_user"), tags = reader.GetOrdinal("tags"),
            refreshError = reader.GetOrdinal("refresh_error"), lastRefreshFailure = reader.GetOrdinal("last_refresh_failure"),
            refreshAttempts = reader.GetOrdinal("refresh_attempts");
        return row => new Connection(
            row.GetInt64(id),
            row.GetInt64(environment),
            row.GetInt64(integration),
            row.GetString(key),
            row.GetString(provider),
            row.GetString(connectionId),
            row.GetString(credentialsType),
            row.GetBytes(credentials),
            row.GetString(metadata),
            row.GetInt64(created),
            row.GetInt64(updated))
        {
            WebhookUrlOverride = row.GetNullableString(urlOverride),
            EndUserJson = row.GetNullableString(endUser),
            TagsJson = row.GetNullableString(tags),
            RefreshError = row.GetNullableString(refreshError),
            LastRefreshFailure = row.GetNullableInt64(lastRefreshFailure),
            RefreshAttempts = (int)(row.GetNullableInt64(refreshAttempts) ?? 0),
        };
    }

    public static RowReader<SyncRow> Sync(DbDataReader reader) => OnReader(reader, SyncReader);

    /// <summary>The sync reader of a result, its columns found by name once.</summary>
    public static Func<ISqlRow, SyncRow> SyncReader(ISqlRow reader)
    {
        int id = reader.GetOrdinal("id"), connectionDbId = reader.GetOrdinal("connection_db_id"), connectionId = reader.GetOrdinal("connection_id"),
            config = reader.GetOrdinal("sync_config_id"), name = reader.GetOrdinal("name"), variant = reader.GetOrdinal("variant"),
            frequencyOverride = reader.GetOrdinal("frequency_override"), frequency = reader.GetOrdinal("frequency"),
            frequencyMs = reader.GetOrdinal("frequency_ms"), state = reader.GetOrdinal("schedule_state"), nextDue = reader.GetOrdinal("next_due_at"),
            lastSync = reader.GetOrdinal("last_sync_date"), models = reader.GetOrdinal("models"), syncType = reader.GetOrdinal("sync_type");
        return row => new SyncRow
        {
            Id = row.GetString(id),
            ConnectionDbId = row.GetInt64(connectionDbId),
            ConnectionId = row.GetString(connectionId),
            SyncConfigId = row.GetInt64(config),
            Name = row.GetString(name),
            Variant = row.GetString(variant),
            FrequencyOverride = row.GetNullableString(frequencyOverride),
            ConfigFrequency = row.GetString(frequency),
            FrequencyMs = row.GetInt64(frequencyMs),
            ScheduleState = SqlStates.ParseSchedule(row.GetString(state)),
            NextDueAt = row.GetInt64(nextDue),
            LastSyncDate = row.GetNullableInt64(lastSync),
            Models = ParseModels(row.GetString(models)),
            ConfigSyncType = row.GetString(syncType),
        };
    }

    public static RowReader<RunRow> Run(DbDataReader reader) => OnReader(reader, RunReader);

    /// <summary>The run reader of a result, its columns found by name once.</summary>
    public static Func<ISqlRow, RunRow> RunReader(ISqlRow reader)
    {
        int id = reader.GetOrdinal("id"), syncId = reader.GetOrdinal("sync_id"), syncName = reader.GetOrdinal("sync_name"),
            variant = reader.GetOrdinal("variant"), connectionId = reader.GetOrdinal("connection_id"), key = reader.GetOrdinal("unique_key"),
            state = reader.GetOrdinal("state"), source = reader.GetOrdinal("trigger_source"), initiator = reader.GetOrdinal("initiator"),
            reset = reader.GetOrdinal("reset"), emptyCache = reader.GetOrdinal("empty_cache"), batch = reader.GetOrdinal("batch_id"),
            attempt = reader.GetOrdinal("attempt"), queued = reader.GetOrdinal("queued_at"), started = reader.GetOrdinal("started_at"),
            finished = reader.GetOrdinal("finished_at"), jobType = reader.GetOrdinal("job_type"), result = reader.GetOrdinal("result"),
            error = reader.GetOrdinal("error");
        return row => new RunRow
        {
            Id = row.GetInt64(id),
            SyncId = row.GetString(syncId),
            SyncName = row.GetString(syncName),
            Variant = row.GetString(variant),
            ConnectionId = row.GetString(connectionId),
            ProviderConfigKey = row.GetString(key),
            State = SqlStates.ParseRun(row.GetString(state)),
            TriggerSource = row.GetString(source),
            Initiator = row.GetNullableString(initiator),
            Reset = row.GetInt64(reset) != 0,
            EmptyCache = row.GetInt64(emptyCache) != 0,
            BatchId = row.GetNullableString(batch),
            Attempt = (int)row.GetInt64(attempt),
            QueuedAt = row.GetInt64(queued),
            StartedAt = row.GetNullableInt64(started),
            FinishedAt = row.GetNullableInt64(finished),
            JobType = row.GetNullableString(jobType),
            ResultJson = row.GetNullableString(result),
            Error = row.GetNullableString(error),
        };
    }

    /// <summary>Reads every row of <paramref name="command"/> with the reader <paramref name="columns"/> builds.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, RowReader<T>> columns, CancellationToken cancellationToken)
    {
        var result = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        RowReader<T>? read = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            read ??= columns(reader);
            result.Add(read(reader));
        }

        return result;
    }

    /// <summary>The first row of <paramref name="command"/>, or null when it has none.</summary>
    public static async Task<T?> ReadFirstAsync<T>(DbCommand command, Func<DbDataReader, RowReader<T>> columns, CancellationToken cancellationToken)
        where T : class
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadFirstAsync(reader, columns, cancellationToken);
    }

    /// <summary>The first row of the reader's current result set, or null when it has none.</summary>
    public static async Task<T?> ReadFirstAsync<T>(DbDataReader reader, Func<DbDataReader, RowReader<T>> columns, CancellationToken cancellationToken)
        where T : class =>
        await reader.ReadAsync(cancellationToken) ? columns(reader)(reader) : null;

    /// <summary>A reader of <see cref="ISqlRow"/> rows over a data reader's rows.</summary>
    private static RowReader<T> OnReader<T>(DbDataReader reader, Func<ISqlRow, Func<ISqlRow, T>> columns)
    {
        var row = new DataReaderRow(reader);
        var read = columns(row);
        return _ => read(row);
    }

    private static List<string> ParseModels(string json) =>
        JsonSerializer.Deserialize(json, SqlJson.Default.ListString) ?? [];
}
