using System.Data.Common;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Sync variants on SQLite and PostgreSQL; see <see cref="IVariantStore"/>.</summary>
internal sealed class SqlVariantStore : IVariantStore
{
    private readonly Database _database;

    public SqlVariantStore(Database database)
    {
        _database = database;
    }

    public async Task<VariantCreation> CreateAsync(NewVariant variant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(variant);
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;

        // The checks and the insert share the write transaction, so two concurrent creations cannot both pass the cap.
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);

        // Serialises creations on one connection.
        await _database.Dialect.LockRowAsync(connection, transaction, "connections", variant.ConnectionDbId, cancellationToken);

        await using (var count = connection.Command("SELECT COUNT(*) FROM syncs WHERE connection_id = @c AND name = @name", transaction)
            .With("c", variant.ConnectionDbId).With("name", variant.Name))
        {
            // Nango counts every variant of the name, base included.
            if (await count.ScalarInt64Async(cancellationToken) >= variant.MaxVariantsPerSync)
            {
                return new VariantCreation(VariantCreationStatus.Capped);
            }
        }

        if (await FindSyncIdAsync(connection, transaction, variant.ConnectionDbId, variant.Name, variant.Variant, cancellationToken) is not null)
        {
            return new VariantCreation(VariantCreationStatus.AlreadyExists);
        }

        long configId, frequencyMs;
        bool autoStart;
        await using (var config = connection.Command(
            "SELECT id, frequency_ms, auto_start FROM sync_configs WHERE integration_id = @integration AND name = @name AND enabled = 1", transaction)
            .With("integration", variant.IntegrationId).With("name", variant.Name))
        await using (var reader = await config.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new VariantCreation(VariantCreationStatus.UnknownSync);
            }

            configId = reader.GetInt64(0);
            frequencyMs = reader.GetInt64(1);
            autoStart = reader.GetInt64(2) != 0;
        }

        await SqlSyncRows.InsertAsync(
            connection, transaction, variant.ConnectionDbId, configId, variant.Name, variant.Variant, frequencyMs, autoStart, variant.Now, cancellationToken);
        var id = await FindSyncIdAsync(connection, transaction, variant.ConnectionDbId, variant.Name, variant.Variant, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new VariantCreation(VariantCreationStatus.Created, id);
    }

    public async Task<IReadOnlyList<long>?> DeleteAsync(long connectionDbId, string name, string variant, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        var syncId = await FindSyncIdAsync(connection, transaction, connectionDbId, name, variant, cancellationToken);
        if (syncId is null)
        {
            return null;
        }

        // The checkpoint key and the sync's own track-deletes windows, never a bare prefix (v1 must not hit v10).
        var key = $"sync:{name}:{variant}";
        List<long> stopped;
        await using (var cancel = connection.Command(StoppedRuns.CancelSql("sync_id = @id"), transaction)
            .With("now", now).With("reason", "Cancelled: the sync variant was deleted").With("id", syncId))
        {
            stopped = await StoppedRuns.ReadAsync(cancel, cancellationToken);
        }

        string[] statements =
        [
            "DELETE FROM checkpoints WHERE connection_id = @c AND (key = @key OR substr(key, 1, length(@windows)) = @windows)",
            "DELETE FROM runs WHERE sync_id = @id",
            "DELETE FROM syncs WHERE id = @id",
        ];
        foreach (var sql in statements)
        {
            await using var command = connection.Command(sql, transaction)
                .With("id", syncId).With("c", connectionDbId).With("key", key).With("windows", key + ":trackDeletes:");
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stopped;
    }

    private static async Task<string?> FindSyncIdAsync(
        DbConnection connection,
        DbTransaction transaction,
        long connectionDbId,
        string name,
        string variant,
        CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT id FROM syncs WHERE connection_id = @c AND name = @name AND variant = @variant", transaction)
            .With("c", connectionDbId).With("name", name).With("variant", variant);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}
