using System.Text.Json;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Deployments on SQLite and PostgreSQL; see <see cref="IDeploymentStore"/>.</summary>
internal sealed class SqlDeploymentStore : IDeploymentStore
{
    private readonly Database _database;
    private readonly TimeProvider _timeProvider;

    public SqlDeploymentStore(Database database, TimeProvider timeProvider)
    {
        _database = database;
        _timeProvider = timeProvider;
    }

    public async Task<DeploySummary> ApplyConfigAsync(long environmentId, IReadOnlyList<IntegrationDeployment> integrations, CancellationToken cancellationToken)
    {
        var now = Micros.Now(_timeProvider);
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
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
                    await SqlSyncRows.InsertAsync(connection, transaction, connectionDbId, configId, sync.Name, SyncIdentifier.BaseVariant, sync.FrequencyMs, sync.AutoStart, now, cancellationToken);
                    created++;
                }
            }

            // Syncs removed from the file are disabled, not deleted: their runs, checkpoints and records stay,
            // and deploying them again brings them back as they were.
            var disable = $"UPDATE sync_configs SET enabled = 0, updated_at = @now WHERE integration_id = @integration AND enabled = 1"
                + (names.Count > 0 ? $" AND NOT ({_database.Dialect.InList("name", "names")})" : string.Empty);
            await using var disableCommand = connection.Command(disable, transaction).With("now", now).With("integration", integrationId);
            if (names.Count > 0)
            {
                disableCommand.WithList(_database.Dialect, "names", names);
            }

            disabled += await disableCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        // An integration the file no longer names loses its syncs the same way (disabled, data kept, restored by
        // deploying it again): the file is the whole deployment, as Nango's deploy of a nango.yaml. Integrations made
        // through the API have no sync configs and are left as they are.
        var keys = integrations.Select(i => i.UniqueKey).ToList();
        var orphaned = "UPDATE sync_configs SET enabled = 0, updated_at = @now WHERE enabled = 1 AND integration_id IN "
            + "(SELECT id FROM integrations WHERE environment_id = @env"
            + (keys.Count > 0 ? $" AND NOT ({_database.Dialect.InList("unique_key", "keys")}))" : ")");
        await using (var orphanedCommand = connection.Command(orphaned, transaction).With("now", now).With("env", environmentId))
        {
            if (keys.Count > 0)
            {
                orphanedCommand.WithList(_database.Dialect, "keys", keys);
            }

            disabled += await orphanedCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new DeploySummary(integrations.Count, configs, disabled, created);
    }
}
