using System.Text.Json.Nodes;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Checkpoints with optimistic concurrency (a version per key), every write fenced by the run's lease.</summary>
internal sealed partial class SqlCheckpointStore : ICheckpointStore
{
    private readonly Database _database;

    public SqlCheckpointStore(Database database)
    {
        _database = database;
    }

    public async Task<StoredCheckpoint?> GetAsync(long connectionDbId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT value, version, deleted_at FROM checkpoints WHERE connection_id = @c AND key = @k")
            .With("c", connectionDbId).With("k", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var value = reader.IsDBNull(2) ? JsonNode.Parse(reader.GetString(0)) as JsonObject : null;
        return new StoredCheckpoint(value, reader.GetInt64(1));
    }

    public async Task<long?> SaveAsync(RunFence fence, long connectionDbId, string key, JsonObject value, long? expectedVersion, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await RunFencing.EnsureLeaseAsync(connection, transaction, fence, cancellationToken);
        var json = value.ToJsonString();
        long? version;
        if (expectedVersion is null)
        {
            await using var insert = connection.Command("""
                INSERT INTO checkpoints (connection_id, key, value, version, created_at, updated_at)
                VALUES (@c, @k, @v, 1, @now, @now)
                ON CONFLICT (connection_id, key) DO NOTHING
                """, transaction).With("c", connectionDbId).With("k", key).With("v", json).With("now", now);
            version = await insert.ExecuteNonQueryAsync(cancellationToken) == 1 ? 1 : null;
        }
        else
        {
            await using var update = connection.Command("""
                UPDATE checkpoints SET value = @v, version = version + 1, deleted_at = NULL, updated_at = @now
                WHERE connection_id = @c AND key = @k AND version = @expected
                RETURNING version
                """, transaction).With("v", json).With("now", now).With("c", connectionDbId).With("k", key).With("expected", expectedVersion.Value);
            var result = await update.ExecuteScalarAsync(cancellationToken);
            version = result is null ? null : Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (version is null)
        {
            return null;
        }

        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    public async Task ClearAsync(RunFence fence, long connectionDbId, string key, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        await RunFencing.EnsureLeaseAsync(connection, transaction, fence, cancellationToken);
        await using var command = connection.Command("""
            UPDATE checkpoints SET deleted_at = @now, version = version + 1, updated_at = @now
            WHERE connection_id = @c AND key = @k AND deleted_at IS NULL
            """, transaction).With("now", now).With("c", connectionDbId).With("k", key);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
