using Tributary.Core.Domain;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// SQLite starts a whole integration in one statement that reaches the syncs through the integration's connections,
/// in the order a connection's syncs were written, never one by one through the random <c>id</c> (B10: the start of
/// 100,000 schedules was most of the time before the first run was queued).
/// </summary>
public sealed class ScheduleStartPlanTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SqliteStartOfAnIntegration_FindsTheSyncsByConnection_NotByTheirIds(bool named)
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Sqlite, Token);
        for (var i = 0; i < 20; i++)
        {
            var connection = await h.CreateConnectionAsync($"c{i}", Token);
            await h.SyncAsync(connection, "contacts", Token);
        }

        await using var db = await h.Database.Database.OpenAsync(Token);
        await PlanTestData.AnalyzeAsync(db, Token);
        await using var command = db.Command("EXPLAIN QUERY PLAN " + SqlSyncStore.StartAllSql(SqlDialect.Sqlite, named))
            .With("state", "STARTED").With("integration", h.IntegrationId);
        if (named)
        {
            command.WithList(SqlDialect.Sqlite, "keys", [SqlSyncStore.SyncKeyOf(new SyncIdentifier("contacts", SyncIdentifier.BaseVariant))]);
        }

        var plan = await PlanTestData.PlanAsync(command, Token);

        // sqlite_autoindex_syncs_1 is the primary key (id); _2 the unique (connection_id, name, variant). On a table
        // this small the planner may read it whole, which is in storage order too; what must not appear is the id index.
        var described = string.Join(" | ", plan);
        Assert.True(
            plan.Any(step => step.Contains("SEARCH syncs USING INDEX sqlite_autoindex_syncs_2 (connection_id=?", StringComparison.Ordinal)
                || step.Trim() == "SCAN syncs"),
            described);
        Assert.False(plan.Any(step => step.Contains("sqlite_autoindex_syncs_1", StringComparison.Ordinal)), described);
    }
}
