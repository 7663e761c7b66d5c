using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// The claim must cost the same with a million finished runs behind it as with none: SQLite has to walk the
/// partial index of queued runs, not the runs table.
/// </summary>
public sealed class ClaimPlanTests
{
    [Fact]
    public async Task SqliteClaim_WalksTheQueuedRunsIndex_NeverTheWholeTable()
    {
        var token = TestContext.Current.CancellationToken;
        await using var database = await TestDatabase.CreateAsync(TestDialect.Sqlite, token);
        await using var connection = await database.Database.OpenAsync(token);
        await using var command = connection.Command("EXPLAIN QUERY PLAN " + SqlRunStore.ClaimSql(SqlDialectKind.Sqlite))
            .With("owner", "plan").With("expires", 0L).With("now", 0L).With("max", 1L);

        var plan = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(token);
        while (await reader.ReadAsync(token))
        {
            plan.Add(reader.GetString(reader.FieldCount - 1));
        }

        Assert.Contains(plan, step => step.StartsWith("SCAN q USING", StringComparison.Ordinal) && step.EndsWith("INDEX runs_claimable", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Trim() == "SCAN q");
    }
}
