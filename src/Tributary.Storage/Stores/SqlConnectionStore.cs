using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Connections on SQLite and PostgreSQL; see <see cref="IConnectionStore"/>.</summary>
internal sealed partial class SqlConnectionStore : IConnectionStore
{
    private readonly Database _database;
    private readonly IIntegrationStore _integrations;
    private readonly TimeProvider _timeProvider;

    public SqlConnectionStore(Database database, IIntegrationStore integrations, TimeProvider timeProvider)
    {
        _database = database;
        _integrations = integrations;
        _timeProvider = timeProvider;
    }

    public async Task<Connection?> CreateAsync(NewConnection newConnection, CancellationToken cancellationToken)
    {
        var configs = await _integrations.GetSyncConfigsAsync(newConnection.IntegrationId, cancellationToken);
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await using var insert = connection.Command("""
            INSERT INTO connections (environment_id, integration_id, connection_id, credentials_type, credentials, metadata, created_at, updated_at,
                webhook_url_override, end_user, tags)
            VALUES (@env, @integration, @cid, @type, @credentials, @metadata, @now, @now, @override, @end_user, @tags)
            ON CONFLICT (integration_id, connection_id) DO NOTHING
            RETURNING id
            """, transaction)
            .With("env", newConnection.EnvironmentId).With("integration", newConnection.IntegrationId)
            .With("cid", newConnection.ConnectionId).With("type", newConnection.CredentialsType)
            .With("credentials", newConnection.EncryptedCredentials).With("metadata", newConnection.MetadataJson)
            .With("now", newConnection.Now).WithNullable(_database.Dialect, "override", newConnection.WebhookUrlOverride)
            .WithNullable(_database.Dialect, "end_user", newConnection.EndUserJson).WithNullable(_database.Dialect, "tags", newConnection.TagsJson);
        var id = await insert.ExecuteScalarAsync(cancellationToken);
        if (id is null)
        {
            return null;
        }

        var connectionDbId = Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var config in configs.Where(c => c.Enabled))
        {
            await SqlSyncRows.InsertAsync(connection, transaction, connectionDbId, config.Id, config.Name, SyncIdentifier.BaseVariant, config.FrequencyMs, config.AutoStart, newConnection.Now, cancellationToken);
        }

        if (newConnection.Webhooks.Count > 0)
        {
            // The creation webhook commits with the connection it reports, or not at all.
            await using var outbox = new WebhookOutbox(connection, transaction);
            await outbox.AddAsync(null, newConnection.Webhooks.Select(w => w with { ConnectionRowId = connectionDbId }).ToList(), newConnection.Now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return await GetByIdAsync(connectionDbId, cancellationToken);
    }

    public async Task<Connection?> GetAsync(long environmentId, string connectionId, string? providerConfigKey, CancellationToken cancellationToken)
    {
        // A hot read: every trigger and most API requests resolve their connection.
        await using var connection = await _database.OpenAsync(cancellationToken);
        var rows = await _database.Dialect.ReadHotAsync(
            connection,
            null,
            ByConnectionIdSql,
            [("env", environmentId), ("cid", connectionId), ("pck", providerConfigKey)],
            SqlRows.ConnectionReader,
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    private const string ByConnectionIdSql = $"""
        SELECT {SqlRows.ConnectionColumns}
        WHERE c.environment_id = @env AND c.connection_id = @cid AND (@pck IS NULL OR i.unique_key = @pck)
        ORDER BY c.id LIMIT 1
        """;

    public async Task<Connection?> GetByIdAsync(long connectionDbId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {SqlRows.ConnectionColumns} WHERE c.id = @id").With("id", connectionDbId);
        return await SqlRows.ReadFirstAsync(command, SqlRows.Connection, cancellationToken);
    }

    public async Task<IReadOnlyList<Connection>> ListAsync(long environmentId, string? connectionId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {SqlRows.ConnectionColumns}
            WHERE c.environment_id = @env AND (@cid IS NULL OR c.connection_id = @cid)
            ORDER BY c.id
            """).With("env", environmentId).WithNullable(_database.Dialect, "cid", connectionId);
        return await SqlRows.ReadAllAsync(command, SqlRows.Connection, cancellationToken);
    }

    public async Task UpdateMetadataAsync(long connectionDbId, string metadataJson, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command("UPDATE connections SET metadata = @metadata, updated_at = @now WHERE id = @c")
            .With("metadata", metadataJson).With("now", Micros.Now(_timeProvider)).With("c", connectionDbId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpdateProfileAsync(long connectionDbId, string? endUserJson, string? tagsJson, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command("""
            UPDATE connections SET end_user = COALESCE(@end_user, end_user), tags = COALESCE(@tags, tags), updated_at = @now WHERE id = @c
            """).WithNullable(_database.Dialect, "end_user", endUserJson).WithNullable(_database.Dialect, "tags", tagsJson)
            .With("now", Micros.Now(_timeProvider)).With("c", connectionDbId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<long>?> DeleteAsync(long connectionDbId, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        var (stopped, deleted) = await ConnectionCascade.DeleteAsync(
            connection, transaction, "@c", command => command.With("c", connectionDbId), "Cancelled: the connection was deleted", now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1 ? stopped : null;
    }
}
