using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

internal sealed class SqlScheduleStore : IScheduleStore
{
    private readonly Database _database;

    public SqlScheduleStore(Database database)
    {
        _database = database;
    }

    public async Task<int> SetScheduleStateAsync(IReadOnlyList<string> syncIds, bool paused, long now, CancellationToken cancellationToken)
    {
        if (syncIds.Count == 0)
        {
            return 0;
        }

        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await Database.BeginWriteAsync(connection, cancellationToken);
        if (paused)
        {
            await using var cancel = connection.Command($"""
                UPDATE runs SET state = 'cancelled', finished_at = @now, lease_expires_at = NULL, error = 'Cancelled: the sync was paused'
                WHERE state IN ('queued', 'running') AND {SqlLists.In(_database, "sync_id", "ids")}
                """, transaction).With("now", now).WithList("ids", syncIds);
            await cancel.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var update = connection.Command(
            $"UPDATE syncs SET schedule_state = @state WHERE schedule_state <> @state AND {SqlLists.In(_database, "id", "ids")}", transaction)
            .With("state", paused ? "PAUSED" : "STARTED").WithList("ids", syncIds);
        var changed = await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return changed;
    }

    public async Task SetFrequencyAsync(string syncId, string? frequencyOverride, long frequencyMs, long now, CancellationToken cancellationToken)
    {
        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var command = connection.Command("""
            UPDATE syncs SET frequency_override = @override,
                next_due_at = CASE WHEN frequency_ms = @ms THEN next_due_at
                    ELSE starts_at + ((@now - starts_at + @ms * 1000 - 1) / (@ms * 1000)) * (@ms * 1000) END,
                frequency_ms = @ms
            WHERE id = @id
            """).With("override", frequencyOverride).With("ms", frequencyMs).With("now", now).With("id", syncId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
