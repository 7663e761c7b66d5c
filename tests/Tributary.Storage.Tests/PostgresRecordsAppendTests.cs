using Npgsql;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;
using Tributary.Testing;
using static Tributary.Storage.Tests.StagingTestData;

namespace Tributary.Storage.Tests;

/// <summary>
/// PostgreSQL's append of a batch expected new (<see cref="RecordWrite.ExpectNew"/>, <c>Stores/SqlRecordsStaging.cs</c>):
/// the rows go by COPY straight into <c>records</c>, never through the staging table, exactly as the upsert would have
/// written them; a batch holding a stored id leaves nothing of the attempt and is upserted as any other.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresRecordsAppendTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExpectedNewBatch_IsCopiedIntoTheTable_WithoutTheStagingTable_AsTheUpsertWouldWriteIt()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;
        // The bulk connection's staging table refuses every row from now on (the pool hands the same connection back).
        await ExecuteOnBulkAsync(h.Database.Database, "ALTER TABLE records_stage ADD CONSTRAINT refuse_all CHECK (false) NOT VALID");

        var progress = await h.ScalarSqlAsync($"SELECT progress FROM runs WHERE id = {write.Fence.RunId}");

        var appended = await h.Records.UpsertAsync(
            write with { ProbeUnchanged = false, ExpectNew = true, ResultAfter = r => $"{{\"added\":{r.Added}}}" },
            [Record("a", "1"), Record("b", "1"), Record("c", "é✓")],
            Token);
        var staged = await Assert.ThrowsAsync<PostgresException>(() => h.Records.UpsertAsync(write with { ProbeUnchanged = false }, [Record("d", "1")], Token));

        Assert.Equal(PostgresErrorCodes.CheckViolation, staged.SqlState);
        Assert.Equal(new BatchResult(3, 0, 0, 0), appended);
        var run = write.Fence.RunId;
        Assert.Equal(
            $"a:1:1:hash-1:{h.Now}:{h.Now}:{run}:{run}:--,b:2:2:hash-1:{h.Now}:{h.Now}:{run}:{run}:--,c:3:3:hash-é✓:{h.Now}:{h.Now}:{run}:{run}:--",
            await h.TextSqlAsync("""
                SELECT string_agg(concat_ws(':', external_id, seq, added_seq, data_hash, created_at, updated_at, run_id, seen_run,
                    coalesce(deleted_at::text, '-') || coalesce(pruned_at::text, '-')), ',' ORDER BY external_id) FROM records
                """));
        Assert.Equal("{\"id\":\"c\",\"name\":\"é✓\"}", await h.TextSqlAsync("SELECT payload FROM records WHERE external_id = 'c'"));
        Assert.Equal(3L, await h.ScalarSqlAsync("SELECT last_seq FROM datasets"));
        Assert.Equal(3L, await h.ScalarSqlAsync("SELECT live_count FROM datasets"));
        Assert.Equal("{\"added\":3}", await h.TextSqlAsync($"SELECT result FROM runs WHERE id = {write.Fence.RunId}"));
        Assert.Equal(progress + 1, await h.ScalarSqlAsync($"SELECT progress FROM runs WHERE id = {write.Fence.RunId}"));
    }

    [Fact]
    public async Task ExpectedNewBatch_WithStoredIds_LeavesNothingOfTheAttempt_AndIsUpsertedAsAnyOther()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;
        await h.Records.UpsertAsync(write with { ProbeUnchanged = false }, [Record("a", "1"), Record("b", "1"), Record("c", "1")], Token);
        await h.Records.DeleteAsync(write, ["c"], Token);

        var result = await h.Records.UpsertAsync(
            write with { ProbeUnchanged = false, ExpectNew = true }, [Record("d", "1"), Record("b", "2"), Record("a", "1"), Record("c", "1")], Token);

        // The upsert's outcome: d added, b updated, a unchanged, the deleted c back (counted added); one block of four
        // positions after the delete's 4 (5..8 in batch order; a keeps 1), the rolled-back attempt's reservation gone.
        Assert.Equal(new BatchResult(2, 1, 0, 1), result);
        Assert.Equal("a:1,b:6,c:8,d:5", await h.TextSqlAsync("SELECT string_agg(external_id || ':' || seq, ',' ORDER BY external_id) FROM records"));
        Assert.Equal(8L, await h.ScalarSqlAsync("SELECT last_seq FROM datasets"));
        Assert.Equal(4L, await h.ScalarSqlAsync("SELECT live_count FROM datasets"));
        Assert.Equal(4L, await h.ScalarSqlAsync("SELECT count(*) FROM records"));
    }

    [Fact]
    public async Task ExpectedNewBatch_OfARunThatLostItsLease_ThrowsAndReservesAndWritesNothing()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;
        await h.Records.UpsertAsync(write, [Record("a", "1")], Token);
        await h.ExecuteSqlAsync($"UPDATE runs SET lease_token = lease_token + 1 WHERE id = {write.Fence.RunId}");
        var run = await h.TextSqlAsync($"SELECT result || '/' || progress FROM runs WHERE id = {write.Fence.RunId}");

        await Assert.ThrowsAsync<LeaseLostException>(() => h.Records.UpsertAsync(write with { ProbeUnchanged = false, ExpectNew = true }, [Record("b", "1"), Record("c", "1")], Token));

        Assert.Equal("a:1", await h.TextSqlAsync("SELECT string_agg(external_id || ':' || seq, ',' ORDER BY external_id) FROM records"));
        Assert.Equal(1L, await h.ScalarSqlAsync("SELECT last_seq FROM datasets"));
        Assert.Equal(1L, await h.ScalarSqlAsync("SELECT live_count FROM datasets"));
        Assert.Equal(run, await h.TextSqlAsync($"SELECT result || '/' || progress FROM runs WHERE id = {write.Fence.RunId}"));
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

    private static async Task ExecuteOnBulkAsync(Database database, string sql)
    {
        await using var writer = await database.OpenWriteAsync(WriteKind.Bulk, Token);
        await using var command = writer.Connection.Command(sql);
        await command.ExecuteNonQueryAsync(Token);
    }
}
