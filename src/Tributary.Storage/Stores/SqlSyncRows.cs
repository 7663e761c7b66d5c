using System.Data.Common;
using Tributary.Core.Domain;
using Tributary.Storage.Sql;

namespace Tributary.Storage.Stores;

/// <summary>The insert of a new sync, shared by deployments, connection creation and variants.</summary>
internal static class SqlSyncRows
{
    public static async Task InsertAsync(
        DbConnection connection,
        DbTransaction transaction,
        long connectionDbId,
        long configId,
        string name,
        string variant,
        long frequencyMs,
        bool autoStart,
        long now,
        CancellationToken cancellationToken)
    {
        // The first run of a started schedule is due at once; later ones on the grid anchored here.
        await using var command = connection.Command("""
            INSERT INTO syncs (id, connection_id, sync_config_id, name, variant, frequency_ms, schedule_state, starts_at, next_due_at, created_at)
            VALUES (@id, @c, @config, @name, @variant, @ms, @state, @now, @now, @now)
            """, transaction)
            .With("id", Guid.NewGuid().ToString()).With("c", connectionDbId).With("config", configId).With("name", name)
            .With("variant", variant).With("ms", frequencyMs)
            .With("state", SqlStates.Text(autoStart ? ScheduleState.Started : ScheduleState.Paused)).With("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
