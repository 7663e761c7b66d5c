using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Integrations and their sync configs on SQLite and PostgreSQL; see <see cref="IIntegrationStore"/>.</summary>
internal sealed class SqlIntegrationStore : IIntegrationStore
{
    private readonly Database _database;

    public SqlIntegrationStore(Database database)
    {
        _database = database;
    }

    public async Task<Integration?> GetAsync(long environmentId, string uniqueKey, CancellationToken cancellationToken)
    {
        // A hot read: every trigger and most API requests resolve their integration first.
        await using var connection = await _database.OpenAsync(cancellationToken);
        var rows = await _database.Dialect.ReadHotAsync(
            connection, null, ByKeySql, [("env", environmentId), ("key", uniqueKey)], SqlRows.IntegrationReader, cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    private const string ByKeySql = $"""
        SELECT {SqlRows.IntegrationColumns} FROM integrations WHERE environment_id = @env AND unique_key = @key
        """;

    public async Task<IReadOnlyList<Integration>> ListAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {SqlRows.IntegrationColumns} FROM integrations WHERE environment_id = @env ORDER BY unique_key
            """).With("env", environmentId);
        return await SqlRows.ReadAllAsync(command, SqlRows.Integration, cancellationToken);
    }

    public async Task<IReadOnlyList<SyncConfig>> GetSyncConfigsAsync(long integrationId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {SqlRows.SyncConfigColumns} WHERE integration_id = @integration ORDER BY name
            """).With("integration", integrationId);
        return await SqlRows.ReadAllAsync(command, SqlRows.SyncConfig, cancellationToken);
    }

    public async Task<IReadOnlyList<SyncConfig>> ListDeployedSyncConfigsAsync(long environmentId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {SqlRows.SyncConfigColumns}
            WHERE enabled = 1 AND integration_id IN (SELECT id FROM integrations WHERE environment_id = @env)
            """).With("env", environmentId);
        return await SqlRows.ReadAllAsync(command, SqlRows.SyncConfig, cancellationToken);
    }

    public async Task<Integration?> CreateAsync(long environmentId, string uniqueKey, string provider, string? displayName, bool forwardWebhooks, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command($"""
            INSERT INTO integrations (environment_id, unique_key, provider, display_name, base_url, created_at, updated_at, forward_webhooks)
            VALUES (@env, @key, @provider, @display, NULL, @now, @now, @forward)
            ON CONFLICT (environment_id, unique_key) DO NOTHING
            RETURNING {SqlRows.IntegrationColumns}
            """).With("env", environmentId).With("key", uniqueKey).With("provider", provider).With("display", displayName).With("now", now)
            .With("forward", forwardWebhooks ? 1L : 0L);
        return await SqlRows.ReadFirstAsync(command, SqlRows.Integration, cancellationToken);
    }

    public async Task<Integration?> UpdateAsync(long integrationId, string? uniqueKey, string? displayName, bool? forwardWebhooks, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command($"""
            UPDATE integrations SET unique_key = COALESCE(@key, unique_key), display_name = COALESCE(@display, display_name),
                forward_webhooks = COALESCE(@forward, forward_webhooks), updated_at = @now
            WHERE id = @id AND NOT EXISTS (
                SELECT 1 FROM integrations other
                WHERE other.environment_id = integrations.environment_id AND other.unique_key = @key AND other.id <> integrations.id)
            RETURNING {SqlRows.IntegrationColumns}
            """).With("id", integrationId).With("now", now).WithNullable(_database.Dialect, "key", uniqueKey).WithNullable(_database.Dialect, "display", displayName)
            .WithNullable(_database.Dialect, "forward", forwardWebhooks is { } forward ? (forward ? 1L : 0L) : null);
        return await SqlRows.ReadFirstAsync(command, SqlRows.Integration, cancellationToken);
    }

    public async Task<long> CountConnectionsAsync(long integrationId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT COUNT(*) FROM connections WHERE integration_id = @id").With("id", integrationId);
        return await command.ScalarInt64Async(cancellationToken);
    }

    public async Task<IReadOnlyList<long>> DeleteAsync(long integrationId, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        var (stopped, _) = await ConnectionCascade.DeleteAsync(
            connection,
            transaction,
            "SELECT id FROM connections WHERE integration_id = @i",
            command => command.With("i", integrationId),
            "Cancelled: the integration was deleted",
            now,
            cancellationToken);
        string[] statements =
        [
            "DELETE FROM sync_configs WHERE integration_id = @i",
            "DELETE FROM integrations WHERE id = @i",
        ];
        foreach (var sql in statements)
        {
            await using var command = connection.Command(sql, transaction).With("i", integrationId);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stopped;
    }
}
