using System.Data.Common;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>What the query-plan tests share: a row series in either dialect, planner statistics, a plan's lines.</summary>
internal static class PlanTestData
{
    /// <summary>A FROM item <c>n(i)</c> with the integers 1..<paramref name="count"/> (SQLite has no generate_series).</summary>
    public static string Series(TestDialect dialect, int count) => dialect == TestDialect.Postgres
        ? $"generate_series(1, {count}) AS n(i)"
        : $"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) SELECT i FROM n) AS n";

    /// <summary>Adds <paramref name="count"/> started schedules, all due at 0, copied from <paramref name="syncId"/>.</summary>
    public static async Task AddDueCopiesAsync(DbConnection db, TestDialect dialect, string syncId, int count, CancellationToken cancellationToken)
    {
        await using var many = db.Command($"""
            INSERT INTO syncs (id, connection_id, sync_config_id, name, variant, frequency_override, frequency_ms, schedule_state, starts_at, next_due_at, last_sync_date, created_at)
            SELECT s.id || '-' || n.i, s.connection_id, s.sync_config_id, s.name, 'v' || n.i, NULL, s.frequency_ms, 'STARTED', 0, 0, NULL, 0
            FROM syncs s, {Series(dialect, count)} WHERE s.id = @sync
            """).With("sync", syncId);
        await many.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="count"/> PostgreSQL records of model Deal for <paramref name="connectionId"/>, seq 1..count,
    /// straight into the table (no statistics taken: the state right after an ingest).
    /// </summary>
    public static async Task AddPostgresDealsAsync(DbConnection db, long connectionId, int count, CancellationToken cancellationToken)
    {
        await using var fill = db.Command($"""
            INSERT INTO records (connection_id, model, external_id, data_hash, payload, seq, added_seq, created_at, updated_at)
            SELECT @c, 'Deal', 'id-' || n.i, md5(n.i::text), repeat('x', 800), n.i, n.i, 0, 0 FROM {Series(TestDialect.Postgres, count)}
            """).With("c", connectionId);
        await fill.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Takes the planner's statistics now (the state a test then changes behind its back).</summary>
    public static async Task AnalyzeAsync(DbConnection db, CancellationToken cancellationToken)
    {
        await using var analyze = db.Command("ANALYZE");
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The lines of an EXPLAIN (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite): each row's last column.</summary>
    public static async Task<List<string>> PlanAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            plan.Add(reader.GetString(reader.FieldCount - 1));
        }

        return plan;
    }
}
