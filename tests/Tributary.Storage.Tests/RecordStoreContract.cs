using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>The records cache's rules, proven on both databases.</summary>
public abstract class RecordStoreContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    internal static PreparedRecord Record(string id, string name) =>
        new(id, $"{{\"id\":\"{id}\",\"name\":\"{name}\"}}", $"hash-{name}");

    /// <summary>A harness with one connection and a claimed run of its sync; the write targets model <c>Deal</c>.</summary>
    internal static async Task<(StoreHarness H, long Connection, RecordWrite Write)> SetUpAsync(TestDialect dialect)
    {
        var h = await StoreHarness.CreateAsync(dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);
        var run = await h.ClaimOneAsync(Token);
        return (h, connection.Id, new RecordWrite(new RunFence(run.RunId, run.LeaseToken), connection.Id, "Deal", h.Now, _ => "{}"));
    }

    internal static async Task<IReadOnlyList<StoredRecord>> ReadAllAsync(StoreHarness h, long connection, RecordFilter filter = RecordFilter.None, long? after = null) =>
        (await h.Records.ReadPageAsync(new RecordPageQuery(connection, "Deal", after, null, filter, [], 1000), Token)).Records;

    [Fact]
    public async Task Upsert_ClassifiesAddedUpdatedUnchangedAndOnlyChangedRowsMoveTheCursor()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;

        var first = await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "1"), Record("c", "1")], Token);
        var before = (await ReadAllAsync(h, connection)).ToDictionary(r => r.ExternalId, r => r.Seq);
        var second = await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "2"), Record("c", "1")], Token);
        var after = (await ReadAllAsync(h, connection)).ToDictionary(r => r.ExternalId, r => r.Seq);

        Assert.Equal(new BatchResult(3, 0, 0, 0), first);
        Assert.Equal(new BatchResult(0, 1, 0, 2), second);
        Assert.Equal(before["a"], after["a"]);
        Assert.Equal(before["c"], after["c"]);
        Assert.True(after["b"] > before["c"]);
        Assert.Equal(["a", "c", "b"], (await ReadAllAsync(h, connection)).Select(r => r.ExternalId));
        Assert.Equal(3, (await h.Records.CountLiveAsync(connection, ["Deal"], Token))["Deal"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Upsert_ProbingStoredHashesFirst_GivesTheSameCountsPositionsAndPayloads(bool probe)
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;
        write = write with { ProbeUnchanged = probe };
        await h.Records.UpsertAsync(write, [Record("kept", "1"), Record("changed", "1"), Record("deleted", "1"), Record("pruned", "1")], Token);
        await h.Records.DeleteAsync(write, ["deleted"], Token);
        var pruned = (await ReadAllAsync(h, connection)).Single(r => r.ExternalId == "pruned");
        await h.Records.PruneAsync(connection, "Deal", pruned.Seq, 100, h.Now, Token);
        var before = (await ReadAllAsync(h, connection)).ToDictionary(r => r.ExternalId, r => r.Seq);

        var result = await h.Records.UpsertAsync(
            write, [Record("kept", "1"), Record("changed", "2"), Record("deleted", "1"), Record("pruned", "1"), Record("new", "1")], Token);
        var after = await ReadAllAsync(h, connection);

        // Saved again with the same content: a deleted record comes back as added; a pruned one gets its payload back
        // in place, counted unchanged; a live unchanged one is left alone.
        Assert.Equal(new BatchResult(2, 1, 0, 2), result);
        Assert.Equal(["kept", "pruned", "changed", "deleted", "new"], after.Select(r => r.ExternalId));
        Assert.Equal(before["kept"], after[0].Seq);
        Assert.Equal(before["pruned"], after[1].Seq);
        Assert.Contains("\"name\":\"1\"", after[1].PayloadJson, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"2\"", after[2].PayloadJson, StringComparison.Ordinal);
        Assert.Equal(5, (await h.Records.CountLiveAsync(connection, ["Deal"], Token))["Deal"]);
    }

    [Fact]
    public async Task Upsert_ARecordPreparedAsUtf8_IsStoredAsTheSameJson_AndEqualsItsTextForm()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;
        const string Json = "{\"id\":\"u\",\"name\":\"é✓😀 \\\"quoted\\\"\"}";
        var asBytes = new PreparedRecord("u", System.Text.Encoding.UTF8.GetBytes(Json), "hash-u");
        var asText = new PreparedRecord("u", Json, "hash-u");

        var first = await h.Records.UpsertAsync(write, [asBytes], Token);
        var again = await h.Records.UpsertAsync(write with { ProbeUnchanged = true }, [asText], Token);

        Assert.Equal(asText, asBytes);
        Assert.Equal(new BatchResult(1, 0, 0, 0), first);
        Assert.Equal(new BatchResult(0, 0, 0, 1), again);
        Assert.Equal(Json, (await ReadAllAsync(h, connection)).Single().PayloadJson);
    }

    [Fact]
    public async Task Upsert_ABatchWithNothingNew_ReservesNoPositions()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;
        await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "1")], Token);
        var last = (await ReadAllAsync(h, connection)).Max(r => r.Seq);

        var unchanged = await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "1")], Token);
        await h.Records.UpsertAsync(write, [Record("c", "1")], Token);

        // The next record written takes the very next position: the unchanged batch wrote nothing, not even a reservation.
        Assert.Equal(new BatchResult(0, 0, 0, 2), unchanged);
        Assert.Equal(last + 1, (await ReadAllAsync(h, connection)).Single(r => r.ExternalId == "c").Seq);
    }

    [Fact]
    public async Task Delete_SoftDeletesKeepingPayload_AndSavingAgainBringsItBackAsAdded()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;
        await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "1")], Token);

        var deleted = await h.Records.DeleteAsync(write, ["a", "missing"], Token);
        var again = await h.Records.DeleteAsync(write, ["a"], Token);
        var deletedRow = (await ReadAllAsync(h, connection, RecordFilter.Deleted)).Single();

        Assert.Equal(1, deleted.Deleted);
        Assert.Equal(0, again.Deleted);
        Assert.Equal("a", deletedRow.ExternalId);
        Assert.NotNull(deletedRow.DeletedAt);
        Assert.Contains("\"name\":\"1\"", deletedRow.PayloadJson, StringComparison.Ordinal);
        Assert.Equal(1, (await h.Records.CountLiveAsync(connection, ["Deal"], Token))["Deal"]);

        h.Time.Advance(TimeSpan.FromSeconds(1));
        var revived = await h.Records.UpsertAsync(write with { Now = h.Now }, [Record("a", "1")], Token);
        var row = (await ReadAllAsync(h, connection)).Single(r => r.ExternalId == "a");
        Assert.Equal(1, revived.Added);
        Assert.Null(row.DeletedAt);
        Assert.Equal(row.Seq, row.AddedSeq);
        Assert.Equal(h.Now, row.CreatedAt);
    }

    [Fact]
    public async Task ReadPage_CombinedFilters_AreTheUnionOfActions()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;
        await h.Records.UpsertAsync(write, [Record("added", "1"), Record("updated", "1"), Record("deleted", "1")], Token);
        await h.Records.UpsertAsync(write, [Record("updated", "2")], Token);
        await h.Records.DeleteAsync(write, ["deleted"], Token);

        static string Ids(IEnumerable<StoredRecord> rows) => string.Join(",", rows.Select(r => r.ExternalId).Order(StringComparer.Ordinal));

        Assert.Equal("added", Ids(await ReadAllAsync(h, connection, RecordFilter.Added)));
        Assert.Equal("updated", Ids(await ReadAllAsync(h, connection, RecordFilter.Updated)));
        Assert.Equal("deleted", Ids(await ReadAllAsync(h, connection, RecordFilter.Deleted)));
        Assert.Equal("deleted,updated", Ids(await ReadAllAsync(h, connection, RecordFilter.Updated | RecordFilter.Deleted)));
        Assert.Equal("added,deleted", Ids(await ReadAllAsync(h, connection, RecordFilter.Added | RecordFilter.Deleted)));
    }

    [Fact]
    public async Task ReadPage_PagesByLimitPlusOneAndIds()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;
        await h.Records.UpsertAsync(write, Enumerable.Range(0, 25).Select(i => Record($"r{i:D2}", "x")).ToList(), Token);

        var seen = new List<string>();
        long? after = null;
        var pages = 0;
        while (true)
        {
            var page = await h.Records.ReadPageAsync(new RecordPageQuery(connection, "Deal", after, null, RecordFilter.None, [], 10), Token);
            seen.AddRange(page.Records.Select(r => r.ExternalId));
            pages++;
            if (!page.HasMore)
            {
                break;
            }

            after = page.Records[^1].Seq;
        }

        var byIds = await h.Records.ReadPageAsync(new RecordPageQuery(connection, "Deal", null, null, RecordFilter.None, ["r03", "r20", "nope"], 100), Token);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"r{i:D2}"), seen);
        Assert.Equal(["r03", "r20"], byIds.Records.Select(r => r.ExternalId));
    }

    [Fact]
    public async Task EmptyForRun_DeletesEveryRecordOfTheModelsAndResetsCounts()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;
        await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "1")], Token);

        Assert.True(await h.Records.EmptyForRunAsync(write.Fence, connection, ["Deal"], h.Now, Token));

        Assert.Empty(await ReadAllAsync(h, connection));
        Assert.Equal(0, (await h.Records.CountLiveAsync(connection, ["Deal"], Token))["Deal"]);
        var readded = await h.Records.UpsertAsync(write, [Record("a", "1")], Token);
        Assert.Equal(1, readded.Added);
    }

    [Fact]
    public async Task Checkpoint_SaveWithStaleVersion_IsAConflictAndClearingAMissingOneIsANoOp()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;

        await h.Checkpoints.ClearAsync(write.Fence, connection, "sync:deals:base", h.Now, Token);
        var v1 = await h.Checkpoints.SaveAsync(write.Fence, connection, "sync:deals:base", new() { ["page"] = 1 }, null, h.Now, Token);
        var v2 = await h.Checkpoints.SaveAsync(write.Fence, connection, "sync:deals:base", new() { ["page"] = 2 }, v1, h.Now, Token);
        var stale = await h.Checkpoints.SaveAsync(write.Fence, connection, "sync:deals:base", new() { ["page"] = 3 }, v1, h.Now, Token);
        var stored = await h.Checkpoints.GetAsync(connection, "sync:deals:base", Token);
        await h.Checkpoints.ClearAsync(write.Fence, connection, "sync:deals:base", h.Now, Token);
        var cleared = await h.Checkpoints.GetAsync(connection, "sync:deals:base", Token);

        Assert.Equal(1, v1);
        Assert.Equal(2, v2);
        Assert.Null(stale);
        Assert.Equal(2, (int)stored!.Value!["page"]!);
        Assert.Null(cleared!.Value);
    }
}

public sealed class SqliteRecordStoreTests : RecordStoreContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresRecordStoreTests : RecordStoreContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
