using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// PostgreSQL's records insert runs no per-row foreign-key check (migration 0023), and what that key guaranteed
/// still holds: a deleted connection keeps no record, and a batch of its cancelled run writes none.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresRecordsInsertTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static PreparedRecord Record(string id) => new(id, $"{{\"id\":\"{id}\"}}", $"hash-{id}");

    [Fact]
    public async Task Records_HaveNoForeignKeyToConnections_SoAnInsertedRowRunsNoCheckingTrigger()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        await using var db = await h.Database.Database.OpenAsync(Token);

        // A foreign key is enforced by a trigger that runs a SELECT … FOR KEY SHARE for every inserted row: 4 ms of a
        // 1,000-record batch's 14–19 ms upsert in the medium benchmark.
        Assert.Equal(0L, await ScalarAsync(db, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'records'::regclass AND contype = 'f'"));
        Assert.Equal(0L, await ScalarAsync(db, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'records'::regclass"));
        Assert.Equal(1L, await ScalarAsync(db, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'syncs'::regclass AND confrelid = 'connections'::regclass AND contype = 'f'"));
    }

    [Fact]
    public async Task DeletingAConnection_RemovesItsRecords_AndABatchOfItsCancelledRunWritesNone()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var doomed = await h.CreateConnectionAsync("c1", Token);
        var kept = await h.CreateConnectionAsync("c2", Token);
        var doomedWrite = await StartAsync(h, doomed);
        var keptWrite = await StartAsync(h, kept);
        await h.Records.UpsertAsync(doomedWrite, [Record("a"), Record("b")], Token);
        await h.Records.UpsertAsync(keptWrite, [Record("a")], Token);

        await h.Connections.DeleteAsync(doomed.Id, h.Now, Token);
        await Assert.ThrowsAsync<LeaseLostException>(() => h.Records.UpsertAsync(doomedWrite, [Record("c")], Token));

        await using var db = await h.Database.Database.OpenAsync(Token);
        Assert.Equal(0L, await ScalarAsync(db, $"SELECT count(*) FROM records WHERE connection_id = {doomed.Id}"));
        Assert.Equal(1L, await ScalarAsync(db, $"SELECT count(*) FROM records WHERE connection_id = {kept.Id}"));
        Assert.Equal(0L, await ScalarAsync(db, "SELECT count(*) FROM records WHERE connection_id NOT IN (SELECT id FROM connections)"));
    }

    private static async Task<RecordWrite> StartAsync(StoreHarness h, Connection connection)
    {
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);
        var run = await h.ClaimOneAsync(Token);
        return new RecordWrite(new RunFence(run.RunId, run.LeaseToken), connection.Id, "Deal", h.Now, _ => "{}");
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection db, string sql)
    {
        await using var command = db.Command(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture);
    }
}
