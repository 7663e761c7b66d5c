using System.Data.Common;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The <c>connect_sessions</c> and <c>oauth_states</c> tables; see <see cref="IConnectSessionStore"/>.</summary>
internal sealed class SqlConnectSessionStore : IConnectSessionStore
{
    private readonly Database _database;

    public SqlConnectSessionStore(Database database)
    {
        _database = database;
    }

    public async Task CreateSessionAsync(StoredConnectSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command("""
            INSERT INTO connect_sessions (token_hash, environment_id, body, connection_id, integration_key, expires_at, created_at)
            VALUES (@hash, @env, @body, @connection, @integration, @expires, @created)
            """)
            .With("hash", session.TokenHash)
            .With("env", session.EnvironmentId)
            .With("body", session.BodyJson)
            .WithNullable(_database.Dialect, "connection", session.ConnectionId)
            .WithNullable(_database.Dialect, "integration", session.IntegrationKey)
            .With("expires", session.ExpiresAt)
            .With("created", session.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredConnectSession?> GetSessionAsync(string tokenHash, long now, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            SELECT s.token_hash, s.environment_id, e.name, s.body, s.connection_id, s.integration_key, s.expires_at, s.created_at
            FROM connect_sessions s JOIN environments e ON e.id = s.environment_id
            WHERE s.token_hash = @hash AND s.expires_at > @now
            """).With("hash", tokenHash).With("now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new StoredConnectSession(
            reader.GetString(0),
            reader.GetInt64(1),
            reader.GetString(2),
            reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetInt64(6),
            reader.GetInt64(7));
    }

    public async Task<bool> DeleteSessionAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command("DELETE FROM connect_sessions WHERE token_hash = @hash").With("hash", tokenHash);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task CreateOAuthStateAsync(StoredOAuthState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        await using var command = writer.Connection.Command("""
            INSERT INTO oauth_states (state_hash, environment_id, session_hash, provider_config_key, connection_id, reconnect,
                code_verifier, connection_config, ws_client_id, expires_at)
            VALUES (@hash, @env, @session, @key, @connection, @reconnect, @verifier, @config, @ws, @expires)
            """)
            .With("hash", state.StateHash)
            .With("env", state.EnvironmentId)
            .With("session", state.SessionHash)
            .With("key", state.ProviderConfigKey)
            .With("connection", state.ConnectionId)
            .With("reconnect", state.Reconnect ? 1 : 0)
            .WithBytes("verifier", state.EncryptedCodeVerifier)
            .With("config", state.ConnectionConfigJson)
            .WithNullable(_database.Dialect, "ws", state.WebSocketClientId)
            .With("expires", state.ExpiresAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<StoredOAuthState?> TakeOAuthStateAsync(string stateHash, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        // DELETE … RETURNING: two callbacks racing with one state cannot both get it.
        await using var command = writer.Connection.Command("""
            DELETE FROM oauth_states WHERE state_hash = @hash
            RETURNING environment_id, session_hash, provider_config_key, connection_id, reconnect, code_verifier, connection_config, ws_client_id, expires_at
            """).With("hash", stateHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var state = Read(stateHash, reader);
        return state.ExpiresAt > now ? state : null;
    }

    private static StoredOAuthState Read(string stateHash, DbDataReader reader) => new(
        stateHash,
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetInt64(4) != 0,
        reader.IsDBNull(5) ? null : (byte[])reader.GetValue(5),
        reader.GetString(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetInt64(8));
}
