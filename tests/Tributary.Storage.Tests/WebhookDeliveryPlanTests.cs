using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// The delivery worker's statements must cost the same per delivery with the outbox full as with it empty, whatever
/// the statistics say: an outbox is usually empty (statistics say nothing is pending), then a fan-out fills it.
/// </summary>
public sealed class WebhookDeliveryPlanTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Claim_LooksUpEachCandidatesConnectionInThePendingIndex_EvenWhenTheStatisticsSayNothingIsPending(TestDialect dialect)
    {
        await using var h = await StoreHarness.CreateAsync(dialect, Token);
        await using var db = await h.Database.Database.OpenAsync(Token);
        await FillTheOutboxBehindStaleStatisticsAsync(db, dialect);

        var explain = dialect == TestDialect.Postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
        await using var command = db.Command(explain + SqlWebhookDeliveryStore.ClaimSql(h.Database.Database.Dialect))
            .With("owner", "plan").With("lease", 0L).With("now", long.MaxValue / 2).With("max", 256L)
            .With("after_at", long.MinValue).With("after_id", long.MinValue);

        var plan = await PlanTestData.PlanAsync(command, Token);

        // One index lookup per candidate; the anti-join read the whole pending index per candidate and filtered it.
        if (dialect == TestDialect.Postgres)
        {
            Assert.DoesNotContain(plan, step => step.Contains("Anti Join", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("Join Filter", StringComparison.Ordinal));
            Assert.True(plan.Any(step => step.Contains("Index Cond: ((connection_row_id = d.connection_row_id)", StringComparison.Ordinal)), string.Join("\n", plan));
        }
        else
        {
            Assert.Contains(plan, step => step.Contains("webhook_deliveries_pending (connection_row_id=? AND url=? AND id<?)", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Claim_AfterACursor_StartsItsWalkOfTheDueIndexAtTheCursor(TestDialect dialect)
    {
        await using var h = await StoreHarness.CreateAsync(dialect, Token);
        var database = h.Database.Database;
        await using var db = await database.OpenAsync(Token);
        await FillTheOutboxBehindStaleStatisticsAsync(db, dialect);

        var postgres = dialect == TestDialect.Postgres;
        await using var transaction = await database.BeginWriteAsync(db, Token);
        if (postgres)
        {
            await using var setting = db.Command(database.Dialect.SortsAsLastResort, transaction);
            await setting.ExecuteNonQueryAsync(Token);
        }

        await using var command = db.Command((postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + SqlWebhookDeliveryStore.ClaimSql(database.Dialect), transaction)
            .With("owner", "plan").With("lease", 0L).With("now", long.MaxValue / 2).With("max", 256L)
            .With("after_at", 4000L).With("after_id", 4000L);
        var plan = await PlanTestData.PlanAsync(command, Token);

        // Not from the first due delivery, past every one this worker holds: the cursor bounds the index scan itself.
        if (postgres)
        {
            Assert.True(
                plan.Any(step => step.Contains("Index Cond: ((next_attempt_at <= ", StringComparison.Ordinal)
                    && step.Contains("AND (ROW(next_attempt_at, id) > ROW('4000'::bigint, '4000'::bigint))", StringComparison.Ordinal)),
                string.Join("\n", plan));
        }
        else
        {
            Assert.Contains(plan, step => step.Contains("SEARCH d USING INDEX webhook_deliveries_due (next_attempt_at>? AND next_attempt_at<?)", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task DeliveredMarks_FindEachRowByItsId_EvenWhenTheStatisticsSayNothingIsPending(TestDialect dialect)
    {
        await using var h = await StoreHarness.CreateAsync(dialect, Token);
        await using var db = await h.Database.Database.OpenAsync(Token);
        await FillTheOutboxBehindStaleStatisticsAsync(db, dialect);

        var postgres = dialect == TestDialect.Postgres;
        var explain = postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
        await using var command = db.Command(explain + SqlWebhookDeliveryStore.DeliveredSql(h.Database.Database.Dialect))
            .With("now", 1L).With("owner", "plan");
        if (postgres)
        {
            // What a recorder's batch binds: the ids, attempts and statuses of the delivered answers.
            var ids = Enumerable.Range(1, 20).Select(i => (long)i).ToArray();
            command.With("i", ids).With("a", ids.Select(_ => 1L).ToArray()).With("s", ids.Select(_ => 200L).ToArray());
        }
        else
        {
            command.With("i", 1L).With("a", 1L).With("s", 200L);
        }

        var plan = await PlanTestData.PlanAsync(command, Token);

        // Through a partial index, the planner hashed every pending row for each batch of marks.
        if (postgres)
        {
            Assert.Contains(plan, step => step.Contains("webhook_deliveries_pkey", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("webhook_deliveries_pending", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("webhook_deliveries_due", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(plan, step => step.Contains("USING INTEGER PRIMARY KEY", StringComparison.Ordinal));
        }
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task Claim_AsTheStoreRunsIt_ReadsEachCandidatesConnectionInThePendingIndexOrder_AfterAFanOutOverDeliveredRows()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var database = h.Database.Database;
        await using var db = await database.OpenAsync(Token);

        // B14's outbox: two fan-outs over the same 2,000 connections written pending and marked delivered (the partial
        // indexes keep their entries until a vacuum), analyzed, then a third fan-out written pending.
        var series = PlanTestData.Series(TestDialect.Postgres, 6000);
        await using (var fill = db.Command($"""
            INSERT INTO webhook_deliveries (environment_id, connection_row_id, connection_id, provider_config_key, run_id, event, url, body,
                state, attempts, next_attempt_at, window_started_at, created_at)
            SELECT 1, n.i % 2000, 'c' || (n.i % 2000), 'p', n.i, 'sync', 'http://127.0.0.1:1/hook', 'body', 'pending', 0, n.i, n.i, n.i
            FROM {series} WHERE n.i <= 4000
            """))
        {
            await fill.ExecuteNonQueryAsync(Token);
        }

        await using (var delivered = db.Command("UPDATE webhook_deliveries SET state = 'delivered', attempts = 1, delivered_at = 1, last_status = 200"))
        {
            await delivered.ExecuteNonQueryAsync(Token);
        }

        await PlanTestData.AnalyzeAsync(db, Token);
        await using (var third = db.Command($"""
            INSERT INTO webhook_deliveries (environment_id, connection_row_id, connection_id, provider_config_key, run_id, event, url, body,
                state, attempts, next_attempt_at, window_started_at, created_at)
            SELECT 1, n.i % 2000, 'c' || (n.i % 2000), 'p', n.i, 'sync', 'http://127.0.0.1:1/hook', 'body', 'pending', 0, n.i, n.i, n.i
            FROM {series} WHERE n.i > 4000
            """))
        {
            await third.ExecuteNonQueryAsync(Token);
        }

        // The claim's transaction as the store sends it: the planner setting first, then the claim.
        await using var transaction = await database.BeginWriteAsync(db, Token);
        await using (var setting = db.Command(database.Dialect.SortsAsLastResort, transaction))
        {
            await setting.ExecuteNonQueryAsync(Token);
        }

        await using var command = db.Command("EXPLAIN " + SqlWebhookDeliveryStore.ClaimSql(database.Dialect), transaction)
            .With("owner", "plan").With("lease", 0L).With("now", long.MaxValue / 2).With("max", 256L)
            .With("after_at", long.MinValue).With("after_id", long.MinValue);
        var plan = await PlanTestData.PlanAsync(command, Token);

        // Without the setting: the lookup read webhook_deliveries_due and sorted it, every older pending row per candidate.
        Assert.DoesNotContain(plan, step => step.Contains("Sort", StringComparison.Ordinal));
        Assert.True(plan.Any(step => step.Contains("Index Cond: ((connection_row_id = d.connection_row_id)", StringComparison.Ordinal)), string.Join("\n", plan));
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task Claim_WritesEachClaimedRowOnItsOwnPage_WithoutNewIndexEntries()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var database = h.Database.Database;
        await using var db = await database.OpenAsync(Token);

        // A fan-out's outbox: 600 pending deliveries of a few hundred bytes each, written as completions write them.
        var series = PlanTestData.Series(TestDialect.Postgres, 600);
        await using (var fill = db.Command($"""
            INSERT INTO webhook_deliveries (environment_id, connection_row_id, connection_id, provider_config_key, run_id, event, url, body,
                state, attempts, next_attempt_at, window_started_at, created_at)
            SELECT 1, n.i, 'c' || n.i, 'p', n.i, 'sync', 'http://127.0.0.1:1/hook', repeat('x', 400), 'pending', 0, n.i, n.i, n.i FROM {series}
            """))
        {
            await fill.ExecuteNonQueryAsync(Token);
        }

        // The claim's own transaction counts its updates, and which of them were HOT (no new index entry).
        await using var transaction = await database.BeginWriteAsync(db, Token);
        await using (var claim = db.Command(SqlWebhookDeliveryStore.ClaimSql(database.Dialect), transaction)
            .With("owner", "w").With("lease", 60_000_000L).With("now", long.MaxValue / 2).With("max", 256L)
            .With("after_at", long.MinValue).With("after_id", long.MinValue))
        {
            Assert.Equal(256, await claim.ExecuteNonQueryAsync(Token));
        }

        await using var counts = db.Command(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'webhook_deliveries'", transaction);
        await using var reader = await counts.ExecuteReaderAsync(Token);
        Assert.True(await reader.ReadAsync(Token));
        Assert.Equal(256, reader.GetInt64(0));

        // With full pages (fillfactor 100) all but a few were full updates: five index entries each.
        Assert.Equal(256, reader.GetInt64(1));
    }

    /// <summary>
    /// 5,000 deliveries analyzed while all were delivered, then all pending again under one worker's lease (a fan-out
    /// filled the outbox and the worker claimed it): what the planner sees after a quiet period.
    /// </summary>
    private static async Task FillTheOutboxBehindStaleStatisticsAsync(System.Data.Common.DbConnection db, TestDialect dialect)
    {
        var series = PlanTestData.Series(dialect, 5000);
        await using (var many = db.Command($"""
            INSERT INTO webhook_deliveries (environment_id, connection_row_id, connection_id, provider_config_key, run_id, event, url, body,
                state, attempts, next_attempt_at, window_started_at, created_at, delivered_at, last_status)
            SELECT 1, n.i, 'c' || n.i, 'p', n.i, 'sync', 'http://127.0.0.1:1/hook', 'body', 'delivered', 1, n.i, n.i, n.i, n.i, 200 FROM {series}
            """))
        {
            await many.ExecuteNonQueryAsync(Token);
        }

        await PlanTestData.AnalyzeAsync(db, Token);

        await using var pending = db.Command("UPDATE webhook_deliveries SET state = 'pending', lease_owner = 'plan', delivered_at = NULL");
        await pending.ExecuteNonQueryAsync(Token);
    }
}
