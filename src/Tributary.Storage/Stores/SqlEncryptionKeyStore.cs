using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The <c>encryption_keys</c> table and credential re-encryption; see <see cref="IEncryptionKeyStore"/>.</summary>
internal sealed class SqlEncryptionKeyStore : IEncryptionKeyStore
{
    private readonly Database _database;
    private readonly TimeProvider _timeProvider;

    public SqlEncryptionKeyStore(Database database, TimeProvider timeProvider)
    {
        _database = database;
        _timeProvider = timeProvider;
    }

    public async Task<EncryptionKeyRecord?> CurrentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT key_id, key_check FROM encryption_keys WHERE retired_at IS NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new EncryptionKeyRecord(reader.GetString(0), reader.GetString(1)) : null;
    }

    public async Task<EncryptionKeyRecord> RecordFirstAsync(EncryptionKeyRecord key, CancellationToken cancellationToken)
    {
        await using (var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken))
        {
            // The one-current index makes a concurrent first record by another process a no-op here.
            await using var insert = writer.Connection.Command("""
                INSERT INTO encryption_keys (key_id, key_check, created_at) VALUES (@id, @check, @now) ON CONFLICT DO NOTHING
                """).With("id", key.KeyId).With("check", key.KeyCheck).With("now", Micros.Now(_timeProvider));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return await CurrentAsync(cancellationToken)
            ?? throw new InvalidOperationException("The encryption_keys table has no current key after recording one.");
    }

    public async Task<byte[]?> AnyCredentialAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT credentials FROM connections ORDER BY id LIMIT 1");
        return await command.ExecuteScalarAsync(cancellationToken) as byte[];
    }

    public async Task<int> RotateAsync(EncryptionKeyRecord expected, EncryptionKeyRecord replacement, Func<byte[], byte[]> reencrypt, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        var now = Micros.Now(_timeProvider);
        await using (var retire = connection.Command(
            "UPDATE encryption_keys SET retired_at = @now WHERE retired_at IS NULL AND key_id = @id AND key_check = @check", transaction)
            .With("now", now).With("id", expected.KeyId).With("check", expected.KeyCheck))
        {
            if (await retire.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new InvalidOperationException($"The database's current encryption key is not key id {expected.KeyId}: nothing was re-encrypted.");
            }
        }

        var rows = new List<(long Id, byte[] Credentials)>();
        await using (var select = connection.Command(
            $"SELECT id, credentials FROM connections {_database.Dialect.ForUpdate}", transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
            }
        }

        foreach (var (id, credentials) in rows)
        {
            await using var update = connection.Command("UPDATE connections SET credentials = @credentials WHERE id = @id", transaction)
                .With("credentials", reencrypt(credentials)).With("id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        // Integrations' OAuth client secrets are under the same key.
        var secrets = new List<(long Id, byte[] Secret)>();
        await using (var select = connection.Command(
            $"SELECT id, oauth_client_secret FROM integrations WHERE oauth_client_secret IS NOT NULL {_database.Dialect.ForUpdate}", transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                secrets.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
            }
        }

        foreach (var (id, secret) in secrets)
        {
            await using var update = connection.Command("UPDATE integrations SET oauth_client_secret = @secret WHERE id = @id", transaction)
                .WithBytes("secret", reencrypt(secret)).With("id", id);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        // A key used before and retired since comes back as current.
        await using (var record = connection.Command("""
            INSERT INTO encryption_keys (key_id, key_check, created_at) VALUES (@id, @check, @now)
            ON CONFLICT (key_id) DO UPDATE SET key_check = excluded.key_check, retired_at = NULL
            """, transaction).With("id", replacement.KeyId).With("check", replacement.KeyCheck).With("now", now))
        {
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows.Count;
    }
}
