using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

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
    private const string StageOid = "SELECT coalesce(to_regclass('pg_temp.records_stage')::oid::bigint, 0)";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static PreparedRecord Record(string id, string name) =>
        new(id, $"{{\"id\":\"{id}\",\"name\":\"{name}\"}}", $"hash-{name}");

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
        Assert.Equal("a:1,b:5,c:3,d:6", await TextAsync(h, "SELECT string_agg(external_id || ':' || seq, ',' ORDER BY external_id) FROM records"));
        Assert.Equal(6L, await ScalarAsync(h, "SELECT last_seq FROM datasets"));
        Assert.Equal(4L, await ScalarAsync(h, "SELECT live_count FROM datasets"));
    }

    [Fact]
    public async Task Upsert_OfARunThatLostItsLease_ThrowsAndReservesAndWritesNothing()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;
        await h.Records.UpsertAsync(write, [Record("a", "1")], Token);
        await ExecuteAsync(h, $"UPDATE runs SET lease_token = lease_token + 1 WHERE id = {write.Fence.RunId}");

        await Assert.ThrowsAsync<LeaseLostException>(() => h.Records.UpsertAsync(write with { ProbeUnchanged = false }, [Record("a", "2"), Record("b", "1")], Token));
        await Assert.ThrowsAsync<LeaseLostException>(() => h.Records.UpsertAsync(write, [Record("a", "1")], Token));

        Assert.Equal("a:1:hash-1", await TextAsync(h, "SELECT string_agg(external_id || ':' || seq || ':' || data_hash, ',' ORDER BY external_id) FROM records"));
        Assert.Equal(1L, await ScalarAsync(h, "SELECT last_seq FROM datasets"));
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
        Assert.Equal(3L, await ScalarAsync(h, "SELECT count(*) FROM records"));
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

    private static async Task ExecuteAsync(StoreHarness h, string sql)
    {
        await using var db = await h.Database.Database.OpenAsync(Token);
        await using var command = db.Command(sql);
        await command.ExecuteNonQueryAsync(Token);
    }

    private static async Task<long> ScalarAsync(StoreHarness h, string sql)
    {
        await using var db = await h.Database.Database.OpenAsync(Token);
        await using var command = db.Command(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> TextAsync(StoreHarness h, string sql)
    {
        await using var db = await h.Database.Database.OpenAsync(Token);
        await using var command = db.Command(sql);
        return (string)(await command.ExecuteScalarAsync(Token))!;
    }
}
