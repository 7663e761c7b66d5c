using System.Text.Json;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The load of a run's target: what every run reads once, before its function starts.</summary>
internal sealed partial class SqlSyncStore
{
    /// <summary>
    /// The sync, its connection (with what the refresh path reads of it), integration and sync config in one row of one
    /// statement, read by position.
    /// </summary>
    /// <remarks>
    /// Why one statement: SQLite prepares every statement of a command on every execution, and the five statements
    /// this load was (four result sets and the credentials' own read) were 46% of the worker's CPU while B4 drained
    /// 10,000 no-op runs (dotnet-trace, issue 8), most of it in their preparation. As one statement it was still
    /// prepared on every run (16% of that CPU); it is now a hot read, prepared once per native connection
    /// (<see cref="SqlDialect.ReadHotAsync"/>).
    /// </remarks>
    internal const string TargetSql = """
        SELECT s.id, s.connection_id, s.sync_config_id, s.name, s.variant, s.frequency_override, s.frequency_ms,
            s.schedule_state, s.next_due_at, s.last_sync_date,
            c.environment_id, c.integration_id, c.connection_id, c.credentials_type, c.credentials, c.metadata, c.created_at,
            c.updated_at, c.webhook_url_override, c.connection_config, c.credentials_expires_at, c.last_refresh_success,
            c.last_refresh_failure, c.refresh_attempts, c.refresh_error,
            i.environment_id, i.unique_key, i.provider, i.display_name, i.base_url, i.created_at, i.updated_at,
            sc.name, sc.function_name, sc.models, sc.frequency, sc.frequency_ms, sc.auto_start, sc.sync_type, sc.track_deletes,
            sc.enabled, sc.integration_id
        FROM syncs s
        JOIN connections c ON c.id = s.connection_id
        JOIN integrations i ON i.id = c.integration_id
        JOIN sync_configs sc ON sc.id = s.sync_config_id
        WHERE s.id = @id
        """;

    public async Task<SyncTarget?> GetSyncTargetAsync(string syncId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var rows = await _database.Dialect.ReadHotAsync(connection, null, TargetSql, [("id", syncId)], ReadTarget, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    private static SyncTarget ReadTarget(ISqlRow row)
    {
        var connectionDbId = row.GetInt64(1);
        var integrationId = row.GetInt64(11);
        var connectionId = row.GetString(12);
        var encrypted = row.GetBytes(14);
        var key = row.GetString(26);
        var provider = row.GetString(27);
        var baseUrl = row.GetNullableString(29);
        var models = JsonSerializer.Deserialize(row.GetString(34), SqlJson.Default.ListString) ?? [];
        var sync = new SyncRow
        {
            Id = row.GetString(0),
            ConnectionDbId = connectionDbId,
            ConnectionId = connectionId,
            SyncConfigId = row.GetInt64(2),
            Name = row.GetString(3),
            Variant = row.GetString(4),
            FrequencyOverride = row.GetNullableString(5),
            ConfigFrequency = row.GetString(35),
            FrequencyMs = row.GetInt64(6),
            ScheduleState = SqlStates.ParseSchedule(row.GetString(7)),
            NextDueAt = row.GetInt64(8),
            LastSyncDate = row.GetNullableInt64(9),
            Models = models,
            ConfigSyncType = row.GetString(38),
        };
        var owner = new Connection(
            connectionDbId,
            row.GetInt64(10),
            integrationId,
            key,
            provider,
            connectionId,
            row.GetString(13),
            encrypted,
            row.GetString(15),
            row.GetInt64(16),
            row.GetInt64(17))
        {
            WebhookUrlOverride = row.GetNullableString(18),
        };
        var credentials = new StoredCredentials(
            connectionDbId,
            integrationId,
            key,
            connectionId,
            provider,
            baseUrl,
            encrypted,
            row.GetString(19),
            row.GetNullableInt64(20),
            new RefreshStatus(row.GetNullableInt64(21), row.GetNullableInt64(22), (int)row.GetInt64(23), row.GetNullableString(24)));
        var integration = new Integration(
            integrationId, row.GetInt64(25), key, provider, row.GetNullableString(28), baseUrl, row.GetInt64(30), row.GetInt64(31));
        var config = new SyncConfig(
            sync.SyncConfigId,
            row.GetInt64(41),
            row.GetString(32),
            row.GetString(33),
            models,
            sync.ConfigFrequency,
            row.GetInt64(36),
            row.GetInt64(37) != 0,
            row.GetString(38),
            row.GetInt64(39) != 0,
            row.GetInt64(40) != 0);
        return new SyncTarget(sync, owner, integration, config) { Credentials = credentials };
    }
}
