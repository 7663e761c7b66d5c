using System.Data.Common;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>Syncs and their schedules on SQLite and PostgreSQL; see <see cref="ISyncStore"/>.</summary>
internal sealed partial class SqlSyncStore : ISyncStore
{
    private readonly Database _database;
    private readonly string _pauseCancelSql;
    private readonly string _setScheduleSql;
    private readonly int _startChunk;

    /// <param name="startChunk">
    /// Schedules per transaction of a whole integration's start; by default the dialect's
    /// <see cref="SqlDialect.ScheduleStartChunk"/> (tests make it small on both).
    /// </param>
    public SqlSyncStore(Database database, int? startChunk = null)
    {
        _database = database;
        _startChunk = startChunk ?? database.Dialect.ScheduleStartChunk;
        _pauseCancelSql = StoppedRuns.CancelSql(database.Dialect.InList("sync_id", "ids"));
        _setScheduleSql = $"UPDATE syncs SET schedule_state = @state WHERE schedule_state <> @state AND {database.Dialect.InList("id", "ids")}";
    }

    public async Task<IReadOnlyList<SyncRow>> GetSyncsAsync(long connectionDbId, CancellationToken cancellationToken)
    {
        // A hot read: every trigger of a connection resolves its syncs here.
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await _database.Dialect.ReadHotAsync(connection, null, SyncsOfConnectionSql, [("c", connectionDbId)], SqlRows.SyncReader, cancellationToken);
    }

    private const string SyncsOfConnectionSql =
        $"SELECT {SqlRows.SyncColumns} WHERE s.connection_id = @c AND sc.enabled = 1 ORDER BY s.name, s.variant";

    public async Task<IReadOnlyList<SyncRow>> GetSyncsOfIntegrationAsync(long integrationId, IReadOnlyList<SyncIdentifier>? only, int? limit, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var filter = only is { Count: > 0 } ? " AND " + _database.Dialect.InList("s.name", "names") : string.Empty;
        var bound = limit is null ? string.Empty : "\n" + _database.Dialect.Limit("limit");
        await using var command = connection.Command($"""
            SELECT {SqlRows.SyncColumns}
            WHERE c.integration_id = @integration AND sc.enabled = 1{filter}
            ORDER BY c.id, s.name, s.variant{bound}
            """).With("integration", integrationId);
        if (limit is { } maxRows)
        {
            command.With("limit", (long)maxRows);
        }

        if (only is { Count: > 0 })
        {
            command.WithList(_database.Dialect, "names", only.Select(i => i.Name).Distinct(StringComparer.Ordinal).ToList());
        }

        var rows = await SqlRows.ReadAllAsync(command, SqlRows.Sync, cancellationToken);
        if (only is not { Count: > 0 })
        {
            return rows;
        }

        var wanted = only.ToHashSet();
        return rows.Where(r => wanted.Contains(new SyncIdentifier(r.Name, r.Variant))).ToList();
    }

    public async Task<ScheduleStateChange> SetScheduleStateAsync(IReadOnlyList<string> syncIds, bool paused, long now, CancellationToken cancellationToken)
    {
        if (syncIds.Count == 0)
        {
            return new ScheduleStateChange(0, []);
        }

        await using var writer = await _database.OpenWriteAsync(WriteKind.Control, cancellationToken);
        var connection = writer.Connection;
        await using var transaction = await _database.BeginWriteAsync(connection, cancellationToken);
        IReadOnlyList<long> stopped = [];
        if (paused)
        {
            await using var cancel = connection.Command(_pauseCancelSql, transaction)
                .With("now", now).With("reason", "Cancelled: the sync was paused").WithList(_database.Dialect, "ids", syncIds);
            stopped = await StoppedRuns.ReadAsync(cancel, cancellationToken);
        }

        await using var update = connection.Command(_setScheduleSql, transaction)
            .With("state", SqlStates.Text(paused ? ScheduleState.Paused : ScheduleState.Started)).WithList(_database.Dialect, "ids", syncIds);
        var changed = await update.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ScheduleStateChange(changed, stopped);
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
