using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// The scheduler's tick with nothing due (every second on every process) stays one short read: no write slot, and
/// after a burst no walk over what the burst left behind in the due index.
/// </summary>
public sealed class SchedulerIdleTickTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task IdleTick_DoesNotWaitForAWriteSlot(TestDialect dialect)
    {
        await using var h = await StoreHarness.CreateAsync(dialect, Token);

        // Another write of this process holds the slot (on SQLite the only one): an idle tick must not queue behind it.
        await using var holder = await h.Database.Database.OpenWriteAsync(WriteKind.Control, Token);
        await using var transaction = await h.Database.Database.BeginWriteAsync(holder.Connection, Token);

        var idle = h.Runs.EnqueueDueAsync(h.Now, 1000, Token);

        Assert.Equal(0, await idle.WaitAsync(TimeSpan.FromSeconds(10), Token));
    }

    [Fact]
    public async Task ABatchOnPostgres_IsTwoTransactionsAtOnce_NeitherOver1000Runs_AndNoScheduleTwice()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        await using var db = await h.Database.Database.OpenAsync(Token);
        await ManySchedulesDueAsync(h, db, 2500);

        Assert.Equal(1000, await h.Runs.EnqueueDueAsync(h.Now, 1000, Token));

        // Two transactions (two xmin values) share the batch; together they queue 1,000 distinct syncs.
        await using var split = db.Command(
            "SELECT runs.xmin::text, COUNT(*) FROM runs WHERE trigger_source = 'schedule' GROUP BY runs.xmin::text");
        var perTransaction = new List<long>();
        await using (var reader = await split.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                perTransaction.Add(reader.GetInt64(1));
            }
        }

        Assert.Equal([500L, 500L], perTransaction);
        await using var distinct = db.Command("SELECT COUNT(DISTINCT sync_id) FROM runs WHERE trigger_source = 'schedule'");
        Assert.Equal(1000L, await distinct.ExecuteScalarAsync(Token));
    }

    [Fact]
    public async Task AfterABurst_TheUpkeepLeavesTheDueIndexWithoutDeadEntries_OnPostgres()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        await using var db = await h.Database.Database.OpenAsync(Token);
        await ManySchedulesDueAsync(h, db, 2500);

        // The burst: three batches advance every schedule (the harness's own started sync too), each leaving its old
        // version in the due index.
        var queued = 0;
        for (var batch = 0; batch < 10; batch++)
        {
            var processed = await h.Runs.EnqueueDueAsync(h.Now, 1000, Token);
            queued += processed;
            if (processed < 1000)
            {
                break;
            }
        }

        Assert.Equal(2501, queued);

        await new SqlSchedulerUpkeep(h.Database.Database).AfterBurstAsync(Token);

        // The first idle read after the burst: without the upkeep it visits every dead entry and its table row.
        await using var explain = db.Command("EXPLAIN (ANALYZE, COSTS OFF) " + SqlRunQueueStore.AnyDueSql).With("now", h.Now);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join("\n", plan);
        Assert.Contains("syncs_due", text, StringComparison.Ordinal);
        Assert.Contains("Heap Fetches: 0", text, StringComparison.Ordinal);
    }

    /// <summary>Adds <paramref name="count"/> STARTED schedules, all due (PostgreSQL), beside the harness's own.</summary>
    private static async Task ManySchedulesDueAsync(StoreHarness h, System.Data.Common.DbConnection db, int count)
    {
        var connection = await h.CreateConnectionAsync("burst", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await using var many = db.Command("""
            INSERT INTO syncs (id, connection_id, sync_config_id, name, variant, frequency_override, frequency_ms, schedule_state, starts_at, next_due_at, last_sync_date, created_at)
            SELECT s.id || '-' || n.i, s.connection_id, s.sync_config_id, s.name, 'v' || n.i, NULL, s.frequency_ms, 'STARTED', 0, 0, NULL, 0
            FROM syncs s, generate_series(1, @count) AS n(i) WHERE s.id = @sync
            """).With("sync", sync.Id).With("count", count);
        await many.ExecuteNonQueryAsync(Token);
    }
}
