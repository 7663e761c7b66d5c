using System.Text.RegularExpressions;
using Tributary.Storage.Sql;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// SQLite's partial indexes are paid for on every row written to their table, whether the row enters them or not:
/// their predicates must stay cheap to test, and the statements they serve must still find them.
/// </summary>
public sealed partial class RunsIndexPlanTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// An IN list in a partial index's WHERE makes SQLite open a new ephemeral table, fill it with the list and probe
    /// it for every row inserted (and for the old and new row of every update of a column it names): runs_finished's
    /// <c>state IN (…)</c> cost each queued run ~14 VM steps of the fan-out's insert, though no queued run enters it.
    /// </summary>
    [Fact]
    public async Task SqliteSchema_PartialIndexPredicates_HaveNoInList()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Sqlite, Token);
        await using var connection = await database.Database.OpenAsync(Token);
        await using var command = connection.Command(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql LIKE '% WHERE %' ORDER BY name");
        var partial = new List<(string Name, string Sql)>();
        await using (var reader = await command.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                partial.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        Assert.Contains(partial, index => index.Name == "runs_finished");
        Assert.All(partial, index => Assert.DoesNotMatch(InList(), index.Sql[index.Sql.IndexOf(" WHERE ", StringComparison.OrdinalIgnoreCase)..]));
    }

    [Fact]
    public async Task SqliteRunsRetention_FindsTheOldestFinishedRunsInRunsFinished()
    {
        await using var database = await TestDatabase.CreateAsync(TestDialect.Sqlite, Token);
        await using var connection = await database.Database.OpenAsync(Token);
        await using var command = connection.Command("EXPLAIN QUERY PLAN " + SqlRunHistoryStore.DeleteFinishedSql(SqlDialect.Sqlite))
            .With("before", 0L).With("limit", 1000L);

        var plan = await PlanTestData.PlanAsync(command, Token);

        Assert.Contains(plan, step => step.StartsWith("SEARCH r USING INDEX runs_finished", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Trim() == "SCAN r");
    }

    [GeneratedRegex(@"\bIN\s*\(", RegexOptions.IgnoreCase)]
    private static partial Regex InList();
}
