using System.Data.Common;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Integration writes on SQLite and PostgreSQL; see <see cref="IIntegrationStore"/>.</summary>
internal sealed class SqlIntegrationStore : IIntegrationStore
{
    private const string IntegrationColumns = "id, environment_id, unique_key, provider, display_name, base_url, created_at, updated_at";

    private readonly Database _database;

    public SqlIntegrationStore(Database database)
    {
        _database = database;
    }

    public async Task<Integration?> CreateAsync(long environmentId, string uniqueKey, string provider, string? displayName, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command($"""
            INSERT INTO integrations (environment_id, unique_key, provider, display_name, base_url, created_at, updated_at)
            VALUES (@env, @key, @provider, @display, NULL, @now, @now)
            ON CONFLICT (environment_id, unique_key) DO NOTHING
            RETURNING {IntegrationColumns}
            """).With("env", environmentId).With("key", uniqueKey).With("provider", provider).With("display", displayName).With("now", now);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<Integration?> UpdateAsync(long integrationId, string? uniqueKey, string? displayName, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command($"""
            UPDATE integrations SET unique_key = COALESCE(@key, unique_key), display_name = COALESCE(@display, display_name), updated_at = @now
            WHERE id = @id AND NOT EXISTS (
                SELECT 1 FROM integrations other
                WHERE other.environment_id = integrations.environment_id AND other.unique_key = @key AND other.id <> integrations.id)
            RETURNING {IntegrationColumns}
            """).With("id", integrationId).With("now", now);
        AddText(command, "key", uniqueKey);
        AddText(command, "display", displayName);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<long> CountConnectionsAsync(long integrationId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT COUNT(*) FROM connections WHERE integration_id = @id").With("id", integrationId);
        return await command.ScalarInt64Async(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> DeleteAsync(long integrationId, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        var syncIds = new List<string>();
        await using (var select = connection.Command(
            "SELECT s.id FROM syncs s JOIN connections c ON c.id = s.connection_id WHERE c.integration_id = @i", transaction).With("i", integrationId))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                syncIds.Add(reader.GetString(0));
            }
        }

        // Children first, explicitly: the same statements work whether or not a dialect enforces the cascades.
        const string OfConnections = "SELECT id FROM connections WHERE integration_id = @i";
        string[] statements =
        [
            $"UPDATE runs SET state = 'cancelled', finished_at = @now, lease_expires_at = NULL, error = 'Cancelled: the integration was deleted' WHERE state IN ('queued', 'running') AND sync_id IN (SELECT id FROM syncs WHERE connection_id IN ({OfConnections}))",
            $"DELETE FROM records WHERE connection_id IN ({OfConnections})",
            $"DELETE FROM datasets WHERE connection_id IN ({OfConnections})",
            $"DELETE FROM checkpoints WHERE connection_id IN ({OfConnections})",
            $"DELETE FROM runs WHERE sync_id IN (SELECT id FROM syncs WHERE connection_id IN ({OfConnections}))",
            $"DELETE FROM syncs WHERE connection_id IN ({OfConnections})",
            "DELETE FROM connections WHERE integration_id = @i",
            "DELETE FROM sync_configs WHERE integration_id = @i",
            "DELETE FROM integrations WHERE id = @i",
        ];
        foreach (var sql in statements)
        {
            await using var command = connection.Command(sql, transaction).With("i", integrationId).With("now", now);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return syncIds;
    }

    private void AddText(DbCommand command, string name, string? value)
    {
        command.With(name, value);
        if (_database.IsPostgres && value is null)
        {
            // A null parameter has no type; PostgreSQL must still know it is text to compare and coalesce it.
            ((Npgsql.NpgsqlParameter)command.Parameters[name]).NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text;
        }
    }

    private static async Task<Integration?> ReadOneAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new Integration(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.GetNullableString(4),
            reader.GetNullableString(5),
            reader.GetInt64(6),
            reader.GetInt64(7));
    }
}
