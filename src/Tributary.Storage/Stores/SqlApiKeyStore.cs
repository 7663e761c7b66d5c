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
}
