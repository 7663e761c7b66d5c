using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Sql;
using Tributary.Testing;
using static Tributary.Storage.Tests.StagingTestData;

namespace Tributary.Storage.Tests;

/// <summary>
/// PostgreSQL's bulk-write pool: its connections keep their session (the records upsert's staging table) between
/// batches, carry no other session state a write could leave, and are carved out of the operator's pool size;
/// every other connection is still reset when it goes back to its pool.
/// </summary>
[Trait("Category", "Postgres")]
public sealed class PostgresBulkPoolTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upsert_NextBatch_FindsTheStagingTableOfTheLastOne()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;

        await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "1")], Token);
        var first = await ScalarOnBulkAsync(h.Database.Database, StageOid);
        await h.Records.UpsertAsync(write, [Record("b", "2"), Record("c", "1")], Token);
        var second = await ScalarOnBulkAsync(h.Database.Database, StageOid);

        // The same table both times: no catalog rows are inserted and deleted per batch (a reset pool dropped it).
        Assert.NotEqual(0L, first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RecordWrites_LeaveNoSessionStateButTheStagingTable()
    {
        var (h, write) = await SetUpAsync();
        await using var _ = h;

        await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "1")], Token);
        await h.Records.UpsertAsync(write with { ProbeUnchanged = true, MarkSeen = true }, [Record("a", "1"), Record("b", "2")], Token);
        await h.Records.DeleteAsync(write, ["a"], Token);
        await h.Records.PruneAsync(write.ConnectionDbId, "Deal", long.MaxValue, 100, h.Now, Token);

        var database = h.Database.Database;
        Assert.Equal(0L, await ScalarOnBulkAsync(database, "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'"));
        Assert.Equal(0L, await ScalarOnBulkAsync(database, "SELECT count(*) FROM pg_listening_channels()"));
        Assert.Equal(0L, await ScalarOnBulkAsync(database, "SELECT count(*) FROM pg_cursors WHERE name <> ''"));
        // Npgsql's own auto-prepared statements (named _auto…) are its bookkeeping, kept on purpose; nothing else may stay.
        Assert.Equal(0L, await ScalarOnBulkAsync(database, "SELECT count(*) FROM pg_prepared_statements WHERE name NOT LIKE '\\_auto%'"));
        Assert.Equal("", await TextOnBulkAsync(database, "SELECT coalesce(string_agg(name, ','), '') FROM pg_settings WHERE source = 'session'"));
        Assert.Equal(0L, await ScalarOnBulkAsync(database, "SELECT count(*) FROM records_stage"));
    }

    [Fact]
    public async Task OtherConnections_AreStillResetWhenTheyGoBackToThePool()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Postgres, Token, migrate: false);
        await using (var connection = await database.Database.OpenAsync(Token))
        {
            await using var create = connection.Command("CREATE TEMP TABLE session_marker (x INT)");
            await create.ExecuteNonQueryAsync(Token);
        }

        await using var again = await database.Database.OpenAsync(Token);
        await using var command = again.Command("SELECT to_regclass('pg_temp.session_marker') IS NULL");

        Assert.Equal(true, await command.ExecuteScalarAsync(Token));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Database=t", Database.DefaultPostgresPoolSize)]
    [InlineData("Host=127.0.0.1;Database=t;Maximum Pool Size=7", 7)]
    [InlineData("Host=127.0.0.1;Database=t;Maximum Pool Size=4;Minimum Pool Size=4", 4)]
    public async Task Postgres_BulkPool_IsCarvedOutOfTheMaximumAndMatchesTheGate(string connectionString, int total)
    {
        await using var database = Database.Postgres(connectionString);

        Assert.Equal(total, database.MaxPoolSize);
        Assert.Equal(Math.Min(Database.DefaultPostgresBulkWriters, total / 2), database.BulkPoolSize);
        Assert.Equal(database.BulkPoolSize, database.Gate.BulkSlots);
    }

    [Fact]
    public async Task Postgres_PoolUnderFour_KeepsOneResetPool()
    {
        await using var database = Database.Postgres("Host=127.0.0.1;Database=t;Maximum Pool Size=3");

        Assert.Null(database.BulkPoolSize);
        Assert.Equal(3, database.MaxPoolSize);
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

    private static async Task<string> TextOnBulkAsync(Database database, string sql)
    {
        await using var writer = await database.OpenWriteAsync(WriteKind.Bulk, Token);
        await using var command = writer.Connection.Command(sql);
        return (string)(await command.ExecuteScalarAsync(Token))!;
    }

    /// <summary>Runs <paramref name="sql"/> on a bulk write connection (the one the record writes used: the pool is idle).</summary>
    private static async Task<long> ScalarOnBulkAsync(Database database, string sql)
    {
        await using var writer = await database.OpenWriteAsync(WriteKind.Bulk, Token);
        await using var command = writer.Connection.Command(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture);
    }
}
