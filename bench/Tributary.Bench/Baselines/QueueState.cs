using System.Data.Common;
using Tributary.Bench.Infrastructure;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Baselines;

/// <summary>Puts the run queue into the state a measurement needs, between measurements (never timed).</summary>
internal static class QueueState
{
    public static async Task CancelActiveAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(
            "UPDATE runs SET state = 'cancelled', finished_at = @now, lease_expires_at = NULL WHERE state IN ('queued', 'running')",
            cancellationToken,
            ("now", Scenarios.BenchContext.NowMicros()));

    /// <summary>Exactly <paramref name="queued"/> queued runs (oldest kept, or new ones for idle syncs) and none running.</summary>
    public static async Task SetBacklogAsync(Database database, long queued, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var now = Scenarios.BenchContext.NowMicros();
        await connection.ExecuteAsync(
            "UPDATE runs SET state = 'cancelled', finished_at = @now, lease_expires_at = NULL WHERE state = 'running'", cancellationToken, ("now", now));
        var current = await connection.QueryLongAsync("SELECT COUNT(*) FROM runs WHERE state = 'queued'", cancellationToken);
        if (current > queued)
        {
            var keepUpTo = await connection.QueryLongAsync(
                "SELECT id FROM runs WHERE state = 'queued' ORDER BY id LIMIT 1 OFFSET @n", cancellationToken, ("n", queued));
            await connection.ExecuteAsync(
                "UPDATE runs SET state = 'cancelled', finished_at = @now WHERE state = 'queued' AND id >= @from",
                cancellationToken,
                ("now", now),
                ("from", keepUpTo));
        }
        else if (current < queued)
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, batch_id, attempt, lease_token, queued_at)
                SELECT s.id, 'queued', 'api', 'bench', 0, 0, 0, NULL, 0, 0, @now FROM syncs s
                WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.sync_id = s.id AND r.state IN ('queued', 'running'))
                ORDER BY s.id LIMIT @n
                """,
                cancellationToken,
                ("now", now),
                ("n", queued - current));
        }

        await MaintainAsync(connection, database.Dialect.IsPostgres, cancellationToken);
    }

    /// <summary>Syncs with no queued or running run, to queue fresh runs for.</summary>
    public static async Task<Queue<string>> IdleSyncsAsync(DbConnection connection, int max, CancellationToken cancellationToken) =>
        new(await connection.QueryStringsAsync(
            """
            SELECT s.id FROM syncs s
            WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.sync_id = s.id AND r.state IN ('queued', 'running'))
            ORDER BY s.id LIMIT @n
            """,
            cancellationToken,
            ("n", (long)max)));

    /// <summary>
    /// What autovacuum would have done by the time a real queue reached this state: the bench's bulk state changes
    /// leave dead index entries that a live system cleans up in the background.
    /// </summary>
    public static async Task MaintainAsync(DbConnection connection, bool postgres, CancellationToken cancellationToken)
    {
        if (postgres)
        {
            await connection.ExecuteAsync("VACUUM ANALYZE runs", cancellationToken);
            await connection.ExecuteAsync("VACUUM ANALYZE syncs", cancellationToken);
        }
        else
        {
            await connection.ExecuteAsync("PRAGMA optimize", cancellationToken);
        }
    }
}
