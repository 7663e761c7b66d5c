using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// The queue's hot statements must cost the same with a long run history behind them as with none: they walk the
/// partial indexes of queued and running runs, never the runs table or a sync's whole history.
/// </summary>
public sealed class QueuePlanTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SqliteClaim_WalksTheQueuedRunsIndex_NeverTheWholeTable()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Sqlite, Token);
        await using var connection = await database.Database.OpenAsync(Token);
        await using var command = connection.Command("EXPLAIN QUERY PLAN " + SqlRunQueueStore.ClaimSql(SqlDialect.Sqlite))
            .With("owner", "plan").With("lease", 0L).With("now", 0L).With("max", 1L);

        var plan = await PlanTestData.PlanAsync(command, Token);

        Assert.Contains(plan, step => step.StartsWith("SCAN q USING", StringComparison.Ordinal) && step.EndsWith("INDEX runs_claimable", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Trim() == "SCAN q");
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task SchedulerInsert_LooksUpQueuedAndRunningRunsInTheirPartialIndexes(TestDialect dialect)
    {
        await using var h = await StoreHarness.CreateAsync(dialect, Token);
        var connection = await h.CreateConnectionAsync("history", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await using var db = await h.Database.Database.OpenAsync(Token);

        // A long finished history, so that PostgreSQL's planner knows the table is large and the states skewed.
        await using (var history = db.Command($"""
            INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, attempt, lease_token, queued_at)
            SELECT @sync, 'succeeded', 'schedule', 'scheduler', 0, 0, 0, 1, 1, 0 FROM {PlanTestData.Series(dialect, 20_000)}
            """).With("sync", sync.Id))
        {
            await history.ExecuteNonQueryAsync(Token);
        }

        await PlanTestData.AnalyzeAsync(db, Token);

        var explain = dialect == TestDialect.Postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
        await using var command = db.Command(explain + SqlRunQueueStore.EnqueueDueInsertSql(h.Database.Database.Dialect))
            .With("now", 0L).With("limit", 1000L);

        var plan = string.Join("\n", await PlanTestData.PlanAsync(command, Token));

        Assert.Contains("runs_one_queued", plan, StringComparison.Ordinal);
        Assert.Contains("runs_one_running", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on runs", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("runs_by_sync", plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task SchedulerDueRead_WalksTheDueIndexInOrder_WithoutSortingTiedSchedules(TestDialect dialect)
    {
        await using var h = await StoreHarness.CreateAsync(dialect, Token);
        var connection = await h.CreateConnectionAsync("burst", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await using var db = await h.Database.Database.OpenAsync(Token);

        // What a mass start leaves behind: 20,000 started schedules that share one next_due_at. With the due index
        // on next_due_at alone, a batch had to read every tied row and sort them by id to keep the first 1,000.
        await PlanTestData.AddDueCopiesAsync(db, dialect, sync.Id, 20_000, Token);
        await PlanTestData.AnalyzeAsync(db, Token);

        var explain = dialect == TestDialect.Postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
        await using var command = db.Command(explain + SqlRunQueueStore.DueSql(h.Database.Database.Dialect)).With("now", 0L).With("limit", 1000L);

        var plan = string.Join("\n", await PlanTestData.PlanAsync(command, Token));

        Assert.Contains("syncs_due", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task SchedulerInsert_LooksUpEachSyncInTheQueuedIndex_EvenWhenTheStatisticsSayNoRunIsQueued(TestDialect dialect)
    {
        await using var h = await StoreHarness.CreateAsync(dialect, Token);
        var connection = await h.CreateConnectionAsync("stale", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await using var db = await h.Database.Database.OpenAsync(Token);
        var series = PlanTestData.Series(dialect, 5000);
        await using (var many = db.Command($"""
            INSERT INTO syncs (id, connection_id, sync_config_id, name, variant, frequency_override, frequency_ms, schedule_state, starts_at, next_due_at, last_sync_date, created_at)
            SELECT s.id || '-' || n.i, s.connection_id, s.sync_config_id, s.name, 'v' || n.i, NULL, s.frequency_ms, 'STARTED', 0, 0, NULL, 0
            FROM syncs s, {series} WHERE s.id = @sync;
            INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, attempt, lease_token, queued_at)
            SELECT id, 'cancelled', 'schedule', 'scheduler', 0, 0, 0, 1, 1, 0 FROM syncs
            """).With("sync", sync.Id))
        {
            await many.ExecuteNonQueryAsync(Token);
        }

        // Statistics from a moment with no run queued (after a drain), then a burst's first batches queue thousands.
        await PlanTestData.AnalyzeAsync(db, Token);

        await using (var queue = db.Command("""
            INSERT INTO runs (sync_id, state, trigger_source, initiator, reset, empty_cache, empty_cache_done, attempt, lease_token, queued_at)
            SELECT id, 'queued', 'schedule', 'scheduler', 0, 0, 0, 0, 0, 0 FROM syncs
            """))
        {
            await queue.ExecuteNonQueryAsync(Token);
        }

        var explain = dialect == TestDialect.Postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
        await using var command = db.Command(explain + SqlRunQueueStore.EnqueueDueInsertSql(h.Database.Database.Dialect)).With("now", 0L).With("limit", 1000L);

        var plan = await PlanTestData.PlanAsync(command, Token);

        // Each due sync is one index lookup (PostgreSQL: the insert's conflict check); the anti-join read the whole
        // queued index per due sync instead.
        if (dialect == TestDialect.Postgres)
        {
            Assert.Contains(plan, step => step.Contains("Conflict Arbiter Indexes: runs_one_queued", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("Join Filter", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("runs_claimable", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(plan, step => step.Contains("USING", StringComparison.Ordinal) && step.Contains("runs_one_queued (sync_id=?)", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task SchedulerIdleRead_UsesTheDueIndex_EvenWhenTheStatisticsSayEveryScheduleIsDue(TestDialect dialect)
    {
        await using var h = await StoreHarness.CreateAsync(dialect, Token);
        var connection = await h.CreateConnectionAsync("stale", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await using var db = await h.Database.Database.OpenAsync(Token);

        // What a mass start leaves for the planner: statistics taken while 20,000 started schedules were all due, then
        // a burst that advanced every one of them. PostgreSQL then expected the first due row at once and read the
        // whole table to find none, on every idle tick until the next ANALYZE.
        await PlanTestData.AddDueCopiesAsync(db, dialect, sync.Id, 20_000, Token);
        await PlanTestData.AnalyzeAsync(db, Token);

        await using (var advance = db.Command("UPDATE syncs SET next_due_at = 9000000000000000"))
        {
            await advance.ExecuteNonQueryAsync(Token);
        }

        var explain = dialect == TestDialect.Postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
        await using var command = db.Command(explain + SqlRunQueueStore.AnyDueSql).With("now", 1000L);

        var plan = string.Join("\n", await PlanTestData.PlanAsync(command, Token));

        Assert.Contains("syncs_due", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }
}
