using Tributary.Core.Logs;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary><see cref="SqlRunLogStore"/> on both databases: batched appends, paging, usage, trimming, deletion by age.</summary>
public abstract class RunLogStoreContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Append_ThenRead_PagesEachRunsLinesInOrder_WithUsage()
    {
        await using var db = await TestDatabase.CreateAsync(Dialect, Token);
        var store = new SqlRunLogStore(db.Database);
        await store.AppendAsync([.. Enumerable.Range(0, 5).SelectMany(i => new[] { Line(1, i, $"one {i}"), Line(2, i, $"two {i} é") })], Token);

        var first = await store.ReadAsync(1, 0, 3, Token);
        var rest = await store.ReadAsync(1, first[^1].Id, 10, Token);
        var usage = await store.GetUsageAsync(2, Token);

        Assert.Equal(["one 0", "one 1", "one 2"], first.Select(l => l.Message));
        Assert.Equal(["one 3", "one 4"], rest.Select(l => l.Message));
        Assert.Equal(("info", "engine", 1_000L), (first[0].Level, first[0].Source, first[0].At));
        Assert.Equal(new RunLogUsage(5, 5 * "two 0 é".Length + 5), usage);
        Assert.Equal(new RunLogUsage(0, 0), await store.GetUsageAsync(3, Token));
    }

    [Fact]
    public async Task Trim_KeepsTheLongestFirstPartWithinLinesAndBytes()
    {
        await using var db = await TestDatabase.CreateAsync(Dialect, Token);
        var store = new SqlRunLogStore(db.Database);
        await store.AppendAsync([.. Enumerable.Range(0, 10).Select(i => Line(1, i, "0123456789")), Line(2, 0, "other run")], Token);

        await store.TrimAsync(1, 8, 35, Token);
        var afterBytes = await store.GetUsageAsync(1, Token);
        await store.TrimAsync(1, 2, 1_000, Token);

        Assert.Equal(new RunLogUsage(3, 30), afterBytes);
        Assert.Equal(new RunLogUsage(2, 20), await store.GetUsageAsync(1, Token));
        Assert.Equal(new RunLogUsage(1, 9), await store.GetUsageAsync(2, Token));
    }

    [Fact]
    public async Task DeleteOlderThan_DeletesOldLinesInBatches()
    {
        await using var db = await TestDatabase.CreateAsync(Dialect, Token);
        var store = new SqlRunLogStore(db.Database);
        await store.AppendAsync([.. Enumerable.Range(0, 5).Select(i => Line(1, i, $"line {i}"))], Token);

        var first = await store.DeleteOlderThanAsync(1_000 + 3, 2, Token);
        var second = await store.DeleteOlderThanAsync(1_000 + 3, 2, Token);
        var left = await store.ReadAsync(1, 0, 10, Token);

        Assert.Equal((2, 1), (first, second));
        Assert.Equal(["line 3", "line 4"], left.Select(l => l.Message));
    }

    private static RunLogLine Line(long runId, int offset, string message) => new(runId, 1_000 + offset, "info", "engine", message);
}

public sealed class SqliteRunLogStoreContract : RunLogStoreContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresRunLogStoreContract : RunLogStoreContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
