using System.Data.Common;
using System.Text.Json;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Environments and API keys on SQLite and PostgreSQL; see <see cref="IApiKeyStore"/>.</summary>
internal sealed class SqlApiKeyStore : IApiKeyStore
{
    private readonly Database _database;
    private readonly TimeProvider _timeProvider;

    public SqlApiKeyStore(Database database, TimeProvider timeProvider)
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

    public async Task<EnvironmentInfo?> FindEnvironmentAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var select = connection.Command("SELECT id FROM environments WHERE name = @name").With("name", name);
        var id = await select.ExecuteScalarAsync(cancellationToken);
        return id is null or DBNull ? null : new EnvironmentInfo(Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture), name);
    }

    public async Task<StoredApiKey?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            SELECT k.id, k.environment_id, e.name, k.name, k.scopes, k.key_hash FROM api_keys k JOIN environments e ON e.id = k.environment_id
            WHERE k.key_hash = @hash AND k.revoked_at IS NULL
            """).With("hash", keyHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var key = new ApiKeyInfo(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), Scopes(reader, 4));
        return new StoredApiKey(key, reader.GetString(5));
    }

    public async Task<long> CreateApiKeyAsync(long environmentId, string keyHash, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        return await InsertAsync(writer.Connection, null, environmentId, keyHash, name, scopes, configured: false, cancellationToken);
    }

    public async Task<ConfiguredKeyResult> KeepConfiguredApiKeyAsync(long environmentId, string keyHash, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        var id = await InsertAsync(connection, transaction, environmentId, keyHash, name, scopes, configured: true, cancellationToken);

        // The key may have existed before as a created key: from now on it is the configured one.
        long? revokedAt;
        await using (var mark = connection.Command(
            "UPDATE api_keys SET configured = 1 WHERE id = @id RETURNING revoked_at", transaction).With("id", id))
        {
            revokedAt = await mark.ExecuteScalarAsync(cancellationToken) is long at ? at : null;
        }

        int retired;
        await using (var retire = connection.Command("""
            UPDATE api_keys SET revoked_at = @now
            WHERE environment_id = @env AND configured = 1 AND id <> @id AND revoked_at IS NULL
            """, transaction).With("env", environmentId).With("id", id).With("now", Micros.Now(_timeProvider)))
        {
            retired = await retire.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new ConfiguredKeyResult(id, revokedAt is not null, retired);
    }

    public async Task<IReadOnlyList<ApiKeyListing>> ListApiKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            SELECT k.id, e.name, k.name, k.scopes, k.configured, k.created_at, k.revoked_at
            FROM api_keys k JOIN environments e ON e.id = k.environment_id ORDER BY k.id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyListing>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKeyListing(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                Scopes(reader, 3),
                reader.GetInt64(4) != 0,
                reader.GetInt64(5),
                reader.GetNullableInt64(6)));
        }

        return keys;
    }

    public async Task<RevokeResult> RevokeApiKeyAsync(long id, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using (var revoke = connection.Command("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL")
            .With("id", id).With("now", Micros.Now(_timeProvider)))
        {
            if (await revoke.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return RevokeResult.Revoked;
            }
        }

        await using var exists = connection.Command("SELECT COUNT(*) FROM api_keys WHERE id = @id").With("id", id);
        return await exists.ScalarInt64Async(cancellationToken) > 0 ? RevokeResult.AlreadyRevoked : RevokeResult.NotFound;
    }

    private async Task<long> InsertAsync(
        DbConnection connection,
        DbTransaction? transaction,
        long environmentId,
        string keyHash,
        string name,
        IReadOnlyList<string> scopes,
        bool configured,
        CancellationToken cancellationToken)
    {
        // DO UPDATE of nothing that matters, so RETURNING answers for an existing row too; revoked_at is never touched.
        await using var command = connection.Command("""
            INSERT INTO api_keys (environment_id, key_hash, name, scopes, created_at, configured) VALUES (@env, @hash, @name, @scopes, @now, @configured)
            ON CONFLICT (key_hash) DO UPDATE SET key_hash = excluded.key_hash
            RETURNING id
            """, transaction).With("env", environmentId).With("hash", keyHash).With("name", name)
            .With("scopes", JsonSerializer.Serialize(scopes, SqlJson.Default.IReadOnlyListString))
            .With("now", Micros.Now(_timeProvider))
            .With("configured", configured ? 1 : 0);
        return await command.ScalarInt64Async(cancellationToken);
    }

    private static List<string> Scopes(DbDataReader reader, int ordinal) =>
        JsonSerializer.Deserialize(reader.GetString(ordinal), SqlJson.Default.ListString) ?? [];
}
