using Tributary.Core.Ports;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// The first page of a dataset PostgreSQL has no statistics for yet (right after a large ingest, before autovacuum's
/// ANALYZE) is read by the seq index, not by a scan of every row of the connection and model and a sort.
/// </summary>
public sealed class RecordsPagePlanTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstPage_OfADatasetWithoutStatistics_IsReadInSeqOrderByTheIndex()
    {
        await using var h = await StoreHarness.CreateAsync(TestDialect.Postgres, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        await using var db = await h.Database.Database.OpenAsync(Token);
        await PlanTestData.AddPostgresDealsAsync(db, connection.Id, 20_000, Token);

        var firstPage = new RecordPageQuery(connection.Id, "Deal", null, null, RecordFilter.None, [], 100);
        await using var command = h.Records.PageCommand(db, firstPage, "payload");
        command.CommandText = "EXPLAIN " + command.CommandText;
        var plan = string.Join(" / ", await PlanTestData.PlanAsync(command, Token));

        // Without a range on seq the planner took the dataset for a handful of rows: a bitmap scan of all 20,000 and a sort.
        Assert.Contains("Index Scan using records_by_seq", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
    }
}
