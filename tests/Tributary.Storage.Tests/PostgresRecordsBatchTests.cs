using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;
using static Tributary.Storage.Tests.StagingTestData;

namespace Tributary.Storage.Tests;

/// <summary>
/// PostgreSQL's records batch (<c>Stores/SqlRecordsStaging.cs</c>): the COPY, then the lease check, the reservation
/// and the upsert in one command. Positions are still the reserved block in batch order, a run without its lease
/// still writes and reserves nothing, and the staging table is there on every bulk connection without a statement
/// per batch to make sure of it.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresRecordsBatchTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABulkConnection_HasTheStagingTable_BeforeItsFirstBatch()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Postgres, Token);

        await using var writer = await database.Database.OpenWriteAsync(WriteKind.Bulk, Token);
        await using var command = writer.Connection.Command(StageOid);

        Assert.NotEqual(0L, Convert.ToInt64(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Upsert_PositionsAreTheReservedBlockInBatchOrder_AndOutcomesAreCounted()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;

        var first = await h.Records.UpsertAsync(write with { ProbeUnchanged = false }, [Record("a", "1"), Record("b", "1"), Record("c", "1")], Token);
        var second = await h.Records.UpsertAsync(write with { ProbeUnchanged = false }, [Record("c", "1"), Record("b", "2"), Record("d", "1")], Token);

        Assert.Equal(new BatchResult(3, 0, 0, 0), first);
        Assert.Equal(new BatchResult(1, 1, 0, 1), second);
        // Three positions, then three more reserved: b and d take the second block's 5 and 6 in batch order, c keeps 3.
        Assert.Equal("a:1,b:5,c:3,d:6", await h.TextSqlAsync("SELECT string_agg(external_id || ':' || seq, ',' ORDER BY external_id) FROM records"));
        Assert.Equal(6L, await h.ScalarSqlAsync("SELECT last_seq FROM datasets"));
        Assert.Equal(4L, await h.ScalarSqlAsync("SELECT live_count FROM datasets"));
    }

    [Fact]
    public async Task Upsert_OfARunThatLostItsLease_ThrowsAndReservesAndWritesNothing()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;
        await h.Records.UpsertAsync(write, [Record("a", "1")], Token);
        await h.ExecuteSqlAsync($"UPDATE runs SET lease_token = lease_token + 1 WHERE id = {write.Fence.RunId}");

        await Assert.ThrowsAsync<LeaseLostException>(() => h.Records.UpsertAsync(write with { ProbeUnchanged = false }, [Record("a", "2"), Record("b", "1")], Token));
        await Assert.ThrowsAsync<LeaseLostException>(() => h.Records.UpsertAsync(write, [Record("a", "1")], Token));

        Assert.Equal("a:1:hash-1", await h.TextSqlAsync("SELECT string_agg(external_id || ':' || seq || ':' || data_hash, ',' ORDER BY external_id) FROM records"));
        Assert.Equal(1L, await h.ScalarSqlAsync("SELECT last_seq FROM datasets"));
    }

    [Fact]
    public async Task Upsert_OnAPoolUnderFour_WhoseConnectionsAreReset_StillStagesEveryBatch()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;
        await using var small = Database.Postgres(h.Database.ConnectionString + ";Maximum Pool Size=3");
        var records = new SqlRecordStore(small);

        await records.UpsertAsync(write, [Record("a", "1"), Record("b", "1")], Token);
        var second = await records.UpsertAsync(write, [Record("b", "2"), Record("c", "1")], Token);

        Assert.Null(small.BulkPoolSize);
        Assert.Equal(new BatchResult(1, 1, 0, 0), second);
        Assert.Equal(3L, await h.ScalarSqlAsync("SELECT count(*) FROM records"));
    }

    [Fact]
    public async Task UnchangedProbe_OfADatasetNotYetAnalysed_LooksEachIdUpByTheKey()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await using var db = await h.Database.Database.OpenAsync(Token);
        await PlanTestData.AddPostgresDealsAsync(db, connection.Id, 20_000, Token);
        var sql = h.Records.UnchangedProbeSql
            .Replace("@c", "$1", StringComparison.Ordinal).Replace("@m", "$2", StringComparison.Ordinal)
            .Replace("@e", "$3", StringComparison.Ordinal).Replace("@h", "$4", StringComparison.Ordinal);
        await using (var prepare = db.Command($"SET plan_cache_mode = force_custom_plan; PREPARE probe (bigint, text, text[], text[]) AS {sql}"))
        {
            await prepare.ExecuteNonQueryAsync(Token);
        }

        var ids = "{" + string.Join(",", Enumerable.Range(1, 1_000).Select(i => $"\"d{i}\"")) + "}";
        await using var explain = db.Command($"EXPLAIN EXECUTE probe ({connection.Id}, 'Deal', '{ids}', '{ids}')");
        var plan = await PlanTestData.PlanAsync(explain, Token);

        // The join's plan for 1,000 ids here was a hash join over the whole dataset (52 ms against 20,000 rows, once per
        // batch: the PostgreSQL B6/B7 slowdown's shape); every plan must look each id up by the whole key.
        Assert.Contains(plan, line => line.Contains("Index Cond", StringComparison.Ordinal) && line.Contains("external_id = u.e", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, line => line.Contains("Hash", StringComparison.Ordinal) || line.Contains("Join Filter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnchangedProbe_IsPlannedForItsRowsOnEveryBatch_NeverByAKeptGenericPlan()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;
        await h.Records.UpsertAsync(write with { ProbeUnchanged = false }, [Record("a", "1"), Record("b", "1")], Token);

        // Npgsql prepares a statement after its fifth use; PostgreSQL then plans five custom plans and may keep a
        // generic one, made on whatever statistics the table had then (an empty table: a scan of the dataset per id).
        for (var i = 0; i < 14; i++)
        {
            Assert.Equal(2, (await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "1")], Token)).Unchanged);
        }

        var plans = await TextOnBulkAsync(
            h.Database.Database,
            "SELECT coalesce(sum(generic_plans), 0) || '/' || coalesce(sum(custom_plans), 0) FROM pg_prepared_statements WHERE statement LIKE '%WITH ORDINALITY%'");
        Assert.StartsWith("0/", plans, StringComparison.Ordinal);
        Assert.NotEqual("0/0", plans);
    }

    private static async Task<string> TextOnBulkAsync(Database database, string sql)
    {
        await using var writer = await database.OpenWriteAsync(WriteKind.Bulk, Token);
        await using var command = writer.Connection.Command(sql);
        return (string)(await command.ExecuteScalarAsync(Token))!;
    }

    private static async Task<(StoreHarness H, RecordWrite Write)> SetUpAsync()
    {
        var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);
        var run = await h.ClaimOneAsync(Token);
        return (h, new RecordWrite(new RunFence(run.RunId, run.LeaseToken), connection.Id, "Deal", h.Now, _ => "{}"));
    }
}
