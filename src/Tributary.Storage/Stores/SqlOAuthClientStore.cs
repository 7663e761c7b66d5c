using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The OAuth app columns of <c>integrations</c>; see <see cref="IOAuthClientStore"/>.</summary>
internal sealed class SqlOAuthClientStore : IOAuthClientStore
{
    private readonly Database _database;

    public SqlOAuthClientStore(Database database)
    {
        _database = database;
    }

    public async Task<StoredOAuthClient?> GetAsync(long integrationId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            SELECT oauth_client_id, oauth_client_secret, oauth_scopes FROM integrations WHERE id = @id AND oauth_client_id IS NOT NULL
            """).With("id", integrationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var scopes = reader.IsDBNull(2) ? string.Empty : reader.GetString(2);
        return new StoredOAuthClient(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1),
            scopes.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    public async Task SetAsync(long integrationId, StoredOAuthClient? client, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command("""
            UPDATE integrations SET oauth_client_id = @id, oauth_client_secret = @secret, oauth_scopes = @scopes, updated_at = @now
            WHERE id = @integration
            """)
            .WithNullable(_database.Dialect, "id", client?.ClientId)
            .WithBytes("secret", client?.EncryptedSecret)
            .WithNullable(_database.Dialect, "scopes", client is null ? null : string.Join(',', client.Scopes))
            .With("now", now)
            .With("integration", integrationId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
