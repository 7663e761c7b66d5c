using System.Data.Common;
using System.Text.Json;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Environments, keys, integrations, sync configs, connections and syncs.</summary>
internal sealed class SqlControlStore : IControlStore
{
    private const string ConnectionColumns = """
        c.id, c.environment_id, c.integration_id, i.unique_key, i.provider, c.connection_id, c.credentials_type, c.credentials,
        c.metadata, c.created_at, c.updated_at
        FROM connections c JOIN integrations i ON i.id = c.integration_id
        """;

    private const string SyncColumns = """
        s.id, s.connection_id, c.connection_id, s.sync_config_id, s.name, s.variant, s.frequency_override, sc.frequency,
        s.frequency_ms, s.schedule_state, s.next_due_at, s.last_sync_date, sc.models
        FROM syncs s
        JOIN connections c ON c.id = s.connection_id
        JOIN sync_configs sc ON sc.id = s.sync_config_id
        """;

    private const string SyncConfigColumns = """
        id, integration_id, name, function_name, models, frequency, frequency_ms, auto_start, sync_type, track_deletes, enabled
        FROM sync_configs
        """;

    private const string IntegrationColumns = "id, environment_id, unique_key, provider, display_name, base_url, created_at, updated_at FROM integrations";

    private readonly Database _database;
    private readonly TimeProvider _timeProvider;

    public SqlControlStore(Database database, TimeProvider timeProvider)
    {
        _database = database;
        _timeProvider = timeProvider;
    }

    public async Task<EnvironmentInfo> EnsureEnvironmentAsync(string name, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using (var insert = connection.Command(
            "INSERT INTO environments (name, created_at) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING")
            .With("name", name).With("now", Micros.Now(_timeProvider)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = connection.Command("SELECT id FROM environments WHERE name = @name").With("name", name);
        return new EnvironmentInfo(await select.ScalarInt64Async(cancellationToken), name);
    }

    public async Task<ApiKeyInfo?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            SELECT k.id, k.environment_id, e.name, k.name, k.scopes FROM api_keys k JOIN environments e ON e.id = k.environment_id
            WHERE k.key_hash = @hash AND k.revoked_at IS NULL
            """).With("hash", keyHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var scopes = JsonSerializer.Deserialize(reader.GetString(4), SqlJson.Default.ListString) ?? [];
        return new ApiKeyInfo(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), scopes);
    }

    public async Task<bool> HasApiKeysAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT COUNT(*) FROM api_keys WHERE environment_id = @env AND revoked_at IS NULL")
            .With("env", environmentId);
        return await command.ScalarInt64Async(cancellationToken) > 0;
    }

    public async Task<long> CreateApiKeyAsync(long environmentId, string keyHash, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command("""
            INSERT INTO api_keys (environment_id, key_hash, name, scopes, created_at) VALUES (@env, @hash, @name, @scopes, @now)
            ON CONFLICT (key_hash) DO UPDATE SET revoked_at = NULL
            RETURNING id
            """).With("env", environmentId).With("hash", keyHash).With("name", name)
            .With("scopes", JsonSerializer.Serialize(scopes, SqlJson.Default.IReadOnlyListString))
            .With("now", Micros.Now(_timeProvider));
        return await command.ScalarInt64Async(cancellationToken);
    }

    public async Task<DeploySummary> ApplyConfigAsync(long environmentId, IReadOnlyList<IntegrationDeployment> integrations, CancellationToken cancellationToken)
    {
        var now = Micros.Now(_timeProvider);
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        int configs = 0, disabled = 0, created = 0;
        foreach (var integration in integrations)
        {
            await using var upsert = connection.Command("""
                INSERT INTO integrations (environment_id, unique_key, provider, display_name, base_url, created_at, updated_at)
                VALUES (@env, @key, @provider, @display, @base, @now, @now)
                ON CONFLICT (environment_id, unique_key) DO UPDATE
                    SET provider = excluded.provider, display_name = excluded.display_name, base_url = excluded.base_url, updated_at = excluded.updated_at
                RETURNING id
                """, transaction)
                .With("env", environmentId).With("key", integration.UniqueKey).With("provider", integration.Provider)
                .With("display", integration.DisplayName).With("base", integration.BaseUrl).With("now", now);
            var integrationId = await upsert.ScalarInt64Async(cancellationToken);

            var names = new List<string>();
            foreach (var sync in integration.Syncs)
            {
                names.Add(sync.Name);
                await using var upsertConfig = connection.Command("""
                    INSERT INTO sync_configs (integration_id, name, function_name, models, frequency, frequency_ms, auto_start, sync_type, track_deletes, enabled, created_at, updated_at)
                    VALUES (@integration, @name, @function, @models, @frequency, @ms, @auto, @type, @track, 1, @now, @now)
                    ON CONFLICT (integration_id, name) DO UPDATE SET
                        function_name = excluded.function_name, models = excluded.models, frequency = excluded.frequency,
                        frequency_ms = excluded.frequency_ms, auto_start = excluded.auto_start, sync_type = excluded.sync_type,
                        track_deletes = excluded.track_deletes, enabled = 1, updated_at = excluded.updated_at
                    RETURNING id
                    """, transaction)
                    .With("integration", integrationId).With("name", sync.Name).With("function", sync.Function)
                    .With("models", JsonSerializer.Serialize(sync.Models, SqlJson.Default.IReadOnlyListString))
                    .With("frequency", sync.Frequency).With("ms", sync.FrequencyMs).With("auto", sync.AutoStart ? 1L : 0L)
                    .With("type", sync.SyncType).With("track", sync.TrackDeletes ? 1L : 0L).With("now", now);
                var configId = await upsertConfig.ScalarInt64Async(cancellationToken);
                configs++;

                // A changed frequency applies to syncs without a per-connection override.
                await using (var frequency = connection.Command(
                    "UPDATE syncs SET frequency_ms = @ms WHERE sync_config_id = @config AND frequency_override IS NULL AND frequency_ms <> @ms", transaction)
                    .With("ms", sync.FrequencyMs).With("config", configId))
                {
                    await frequency.ExecuteNonQueryAsync(cancellationToken);
                }

                var missing = new List<long>();
                await using (var select = connection.Command("""
                    SELECT c.id FROM connections c
                    WHERE c.integration_id = @integration
                      AND NOT EXISTS (SELECT 1 FROM syncs s WHERE s.connection_id = c.id AND s.name = @name AND s.variant = 'base')
                    """, transaction).With("integration", integrationId).With("name", sync.Name))
                await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        missing.Add(reader.GetInt64(0));
                    }
                }

                foreach (var connectionDbId in missing)
                {
                    await InsertSyncAsync(connection, transaction, connectionDbId, configId, sync.Name, SyncIdentifier.BaseVariant, sync.FrequencyMs, sync.AutoStart, now, cancellationToken);
                    created++;
                }
            }

            // Syncs removed from the file are disabled, not deleted: their runs, checkpoints and records stay,
            // and deploying them again brings them back as they were.
            var disable = $"UPDATE sync_configs SET enabled = 0, updated_at = @now WHERE integration_id = @integration AND enabled = 1"
                + (names.Count > 0 ? $" AND NOT ({SqlLists.In(_database, "name", "names")})" : string.Empty);
            await using var disableCommand = connection.Command(disable, transaction).With("now", now).With("integration", integrationId);
            if (names.Count > 0)
            {
                disableCommand.WithList("names", names);
            }

            disabled += await disableCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new DeploySummary(integrations.Count, configs, disabled, created);
    }

    public async Task<Integration?> GetIntegrationAsync(long environmentId, string uniqueKey, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {IntegrationColumns} WHERE environment_id = @env AND unique_key = @key
            """).With("env", environmentId).With("key", uniqueKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadIntegration(reader) : null;
    }

    public async Task<IReadOnlyList<Integration>> ListIntegrationsAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {IntegrationColumns} WHERE environment_id = @env ORDER BY unique_key
            """).With("env", environmentId);
        var result = new List<Integration>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadIntegration(reader));
        }

        return result;
    }

    public async Task<IReadOnlyList<SyncConfig>> GetSyncConfigsAsync(long integrationId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {SyncConfigColumns} WHERE integration_id = @integration ORDER BY name
            """).With("integration", integrationId);
        var result = new List<SyncConfig>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadSyncConfig(reader));
        }

        return result;
    }

    public async Task<Connection?> CreateConnectionAsync(NewConnection newConnection, CancellationToken cancellationToken)
    {
        var configs = await GetSyncConfigsAsync(newConnection.IntegrationId, cancellationToken);
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        await using var insert = connection.Command("""
            INSERT INTO connections (environment_id, integration_id, connection_id, credentials_type, credentials, metadata, created_at, updated_at)
            VALUES (@env, @integration, @cid, @type, @credentials, @metadata, @now, @now)
            ON CONFLICT (integration_id, connection_id) DO NOTHING
            RETURNING id
            """, transaction)
            .With("env", newConnection.EnvironmentId).With("integration", newConnection.IntegrationId)
            .With("cid", newConnection.ConnectionId).With("type", newConnection.CredentialsType)
            .With("credentials", newConnection.EncryptedCredentials).With("metadata", newConnection.MetadataJson)
            .With("now", newConnection.Now);
        var id = await insert.ExecuteScalarAsync(cancellationToken);
        if (id is null)
        {
            return null;
        }

        var connectionDbId = Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var config in configs.Where(c => c.Enabled))
        {
            await InsertSyncAsync(connection, transaction, connectionDbId, config.Id, config.Name, SyncIdentifier.BaseVariant, config.FrequencyMs, config.AutoStart, newConnection.Now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return await GetConnectionByIdAsync(connectionDbId, cancellationToken);
    }

    public async Task<Connection?> GetConnectionAsync(long environmentId, string connectionId, string? providerConfigKey, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {ConnectionColumns}
            WHERE c.environment_id = @env AND c.connection_id = @cid AND (@pck IS NULL OR i.unique_key = @pck)
            ORDER BY c.id LIMIT 1
            """).With("env", environmentId).With("cid", connectionId);
        AddText(command, "pck", providerConfigKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadConnection(reader) : null;
    }

    public async Task<IReadOnlyList<Connection>> ListConnectionsAsync(long environmentId, string? connectionId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {ConnectionColumns}
            WHERE c.environment_id = @env AND (@cid IS NULL OR c.connection_id = @cid)
            ORDER BY c.id
            """).With("env", environmentId);
        AddText(command, "cid", connectionId);
        var result = new List<Connection>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadConnection(reader));
        }

        return result;
    }

    public async Task<bool> DeleteConnectionAsync(long connectionDbId, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);

        // Running runs are cancelled first (in the same transaction) so their workers see a lost lease.
        string[] statements =
        [
            "UPDATE runs SET state = 'cancelled', lease_expires_at = NULL, error = 'Cancelled: the connection was deleted' WHERE state IN ('queued', 'running') AND sync_id IN (SELECT id FROM syncs WHERE connection_id = @c)",
            "DELETE FROM records WHERE connection_id = @c",
            "DELETE FROM datasets WHERE connection_id = @c",
            "DELETE FROM checkpoints WHERE connection_id = @c",
            "DELETE FROM runs WHERE sync_id IN (SELECT id FROM syncs WHERE connection_id = @c)",
            "DELETE FROM syncs WHERE connection_id = @c",
        ];
        foreach (var sql in statements)
        {
            await using var command = connection.Command(sql, transaction).With("c", connectionDbId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var delete = connection.Command("DELETE FROM connections WHERE id = @c", transaction).With("c", connectionDbId);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    public async Task UpdateConnectionMetadataAsync(long connectionDbId, string metadataJson, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command("UPDATE connections SET metadata = @metadata, updated_at = @now WHERE id = @c")
            .With("metadata", metadataJson).With("now", Micros.Now(_timeProvider)).With("c", connectionDbId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SyncRow>> GetSyncsAsync(long connectionDbId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {SyncColumns} WHERE s.connection_id = @c AND sc.enabled = 1 ORDER BY s.name, s.variant")
            .With("c", connectionDbId);
        return await ReadSyncsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<SyncRow>> GetSyncsOfIntegrationAsync(long integrationId, IReadOnlyList<SyncIdentifier>? only, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var filter = only is { Count: > 0 } ? " AND " + SqlLists.In(_database, "s.name", "names") : string.Empty;
        await using var command = connection.Command($"""
            SELECT {SyncColumns}
            WHERE c.integration_id = @integration AND sc.enabled = 1{filter}
            ORDER BY c.id, s.name, s.variant
            """).With("integration", integrationId);
        if (only is { Count: > 0 })
        {
            command.WithList("names", only.Select(i => i.Name).Distinct(StringComparer.Ordinal).ToList());
        }

        var rows = await ReadSyncsAsync(command, cancellationToken);
        if (only is not { Count: > 0 })
        {
            return rows;
        }

        var wanted = only.ToHashSet();
        return rows.Where(r => wanted.Contains(new SyncIdentifier(r.Name, r.Variant))).ToList();
    }

    public async Task<SyncTarget?> GetSyncTargetAsync(string syncId, CancellationToken cancellationToken)
    {
        // Four result sets in one command: one round trip where a run's start used to make four.
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {SyncColumns} WHERE s.id = @id;
            SELECT {ConnectionColumns} WHERE c.id = (SELECT connection_id FROM syncs WHERE id = @id);
            SELECT {IntegrationColumns} WHERE id = (
                SELECT c.integration_id FROM syncs s JOIN connections c ON c.id = s.connection_id WHERE s.id = @id);
            SELECT {SyncConfigColumns} WHERE id = (SELECT sync_config_id FROM syncs WHERE id = @id);
            """).With("id", syncId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sync = await reader.ReadAsync(cancellationToken) ? ReadSync(reader) : null;
        await reader.NextResultAsync(cancellationToken);
        var owner = await reader.ReadAsync(cancellationToken) ? ReadConnection(reader) : null;
        await reader.NextResultAsync(cancellationToken);
        var integration = await reader.ReadAsync(cancellationToken) ? ReadIntegration(reader) : null;
        await reader.NextResultAsync(cancellationToken);
        var config = await reader.ReadAsync(cancellationToken) ? ReadSyncConfig(reader) : null;
        return sync is null || owner is null || integration is null || config is null
            ? null
            : new SyncTarget(sync, owner, integration, config);
    }

    public async Task<Integration?> GetIntegrationByIdAsync(long integrationId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {IntegrationColumns} WHERE id = @id
            """).With("id", integrationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadIntegration(reader) : null;
    }

    public async Task<Connection?> GetConnectionByIdAsync(long connectionDbId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {ConnectionColumns} WHERE c.id = @id").With("id", connectionDbId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadConnection(reader) : null;
    }

    internal static async Task InsertSyncAsync(
        DbConnection connection,
        DbTransaction transaction,
        long connectionDbId,
        long configId,
        string name,
        string variant,
        long frequencyMs,
        bool autoStart,
        long now,
        CancellationToken cancellationToken)
    {
        // The first run of a started schedule is due at once; later ones on the grid anchored here.
        await using var command = connection.Command("""
            INSERT INTO syncs (id, connection_id, sync_config_id, name, variant, frequency_ms, schedule_state, starts_at, next_due_at, created_at)
            VALUES (@id, @c, @config, @name, @variant, @ms, @state, @now, @now, @now)
            """, transaction)
            .With("id", Guid.NewGuid().ToString()).With("c", connectionDbId).With("config", configId).With("name", name)
            .With("variant", variant).With("ms", frequencyMs)
            .With("state", autoStart ? ScheduleStates.Started : ScheduleStates.Paused).With("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private void AddText(DbCommand command, string name, string? value)
    {
        command.With(name, value);
        if (_database.IsPostgres && value is null)
        {
            ((Npgsql.NpgsqlParameter)command.Parameters[name]).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        }
    }

    private static async Task<IReadOnlyList<SyncRow>> ReadSyncsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var result = new List<SyncRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(ReadSync(reader));
        }

        return result;
    }

    private static SyncRow ReadSync(DbDataReader reader) => new(
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

    private static SyncConfig ReadSyncConfig(DbDataReader reader) => new(
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

    private static List<string> ParseModels(string json) =>
        JsonSerializer.Deserialize(json, SqlJson.Default.ListString) ?? [];

    private static Integration ReadIntegration(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt64(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetNullableString(4),
        reader.GetNullableString(5),
        reader.GetInt64(6),
        reader.GetInt64(7));

    private static Connection ReadConnection(DbDataReader reader) => new(
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
}
