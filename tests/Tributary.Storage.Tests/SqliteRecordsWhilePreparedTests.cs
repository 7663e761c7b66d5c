using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// A fresh batch written on SQLite while it is still being prepared (<see cref="IRecordStore.UpsertWhilePreparedAsync"/>):
/// the same rows, counts and positions as the whole batch's upsert, and nothing written when the preparation fails.
/// </summary>
public sealed class SqliteRecordsWhilePreparedTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static PreparedRecord Record(string id, string name) => RecordStoreContract.Record(id, name);

    private static async Task<(StoreHarness H, long Connection, RecordWrite Write)> SetUpAsync(TestDialect dialect)
    {
        var (h, connection, write) = await RecordStoreContract.SetUpAsync(dialect);
        return (h, connection, write with { ProbeUnchanged = false });
    }

    private static Task<IReadOnlyList<StoredRecord>> ReadAllAsync(StoreHarness h, long connection) => RecordStoreContract.ReadAllAsync(h, connection);

    /// <summary>Feeds <paramref name="records"/> one by one from another thread, a little apart, so the store waits for them.</summary>
    private static Task FeedSlowlyAsync(PreparedRecordFeed feed, IEnumerable<PreparedRecord> records, Exception? failAtEnd = null) =>
        Task.Run(
            async () =>
            {
                foreach (var record in records)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System, Token);
                    feed.Add(record);
                }

                if (failAtEnd is null)
                {
                    feed.Complete();
                }
                else
                {
                    feed.Fail(failAtEnd);
                }
            },
            Token);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RecordsWrittenAsTheyArrive_CountAndMoveAsTheWholeBatchsUpsert_WithOrWithoutReadingStoredHashesFirst(bool probeUnchanged)
    {
        var (h, connection, write) = await SetUpAsync(TestDialect.Sqlite);
        await using var _ = h;
        Assert.True(h.Records.UpsertsWhilePrepared);
        await h.Records.UpsertAsync(write, [Record("kept", "1"), Record("changed", "1"), Record("deleted", "1"), Record("pruned", "1")], Token);
        await h.Records.DeleteAsync(write, ["deleted"], Token);
        var pruned = (await ReadAllAsync(h, connection)).Single(r => r.ExternalId == "pruned");
        await h.Records.PruneAsync(connection, "Deal", pruned.Seq, 100, h.Now, Token);
        var before = (await ReadAllAsync(h, connection)).ToDictionary(r => r.ExternalId, r => r.Seq);

        var feed = new PreparedRecordFeed(5);

        // On a thread of its own, as the engine runs it: the store blocks its thread while it waits for a record.
        var writing = Task.Run(() => h.Records.UpsertWhilePreparedAsync(write with { ProbeUnchanged = probeUnchanged }, feed, Token), Token);
        await FeedSlowlyAsync(feed, [Record("kept", "1"), Record("changed", "2"), Record("deleted", "1"), Record("pruned", "1"), Record("new", "1")]);
        var result = await writing;
        var after = await ReadAllAsync(h, connection);

        // As UpsertAsync counts the same batch (RecordStoreContract): a deleted record back as added, a pruned one's
        // payload back in place counted unchanged (the hash read does not take a pruned record as unchanged), a live
        // unchanged one left alone.
        Assert.Equal(new BatchResult(2, 1, 0, 2), result);
        Assert.Equal(["kept", "pruned", "changed", "deleted", "new"], after.Select(r => r.ExternalId));
        Assert.Equal(before["kept"], after[0].Seq);
        Assert.Equal(before["pruned"], after[1].Seq);
        Assert.Contains("\"name\":\"1\"", after[1].PayloadJson, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"2\"", after[2].PayloadJson, StringComparison.Ordinal);
        Assert.Equal(5, (await h.Records.CountLiveAsync(connection, ["Deal"], Token))["Deal"]);
    }

    [Fact]
    public async Task AReSaveFeedOfStoredRecordsOnly_ReadsTheirHashesAsTheyArrive_AndMovesNoPosition()
    {
        var (h, connection, write) = await SetUpAsync(TestDialect.Sqlite);
        await using var _ = h;
        await h.Records.UpsertAsync(write, [Record("a", "1"), Record("b", "1")], Token);
        var before = await ReadAllAsync(h, connection);

        var feed = new PreparedRecordFeed(2);
        var resaving = Task.Run(() => h.Records.UpsertWhilePreparedAsync(write with { ProbeUnchanged = true }, feed, Token), Token);
        await FeedSlowlyAsync(feed, [Record("a", "1"), Record("b", "1")]);
        var result = await resaving;
        await h.Records.UpsertAsync(write, [Record("c", "1")], Token);

        // No position reserved for the unchanged batch either: the next record follows the last one directly.
        Assert.Equal(new BatchResult(0, 0, 0, 2), result);
        var after = await ReadAllAsync(h, connection);
        Assert.Equal(before.Select(r => (r.ExternalId, r.Seq)), after.Take(2).Select(r => (r.ExternalId, r.Seq)));
        Assert.Equal(before[1].Seq + 1, after[2].Seq);
    }

    [Fact]
    public async Task AFeedThatFails_WritesNothing_AndTheNextBatchIsWritten()
    {
        var (h, connection, write) = await SetUpAsync(TestDialect.Sqlite);
        await using var _ = h;
        var feed = new PreparedRecordFeed(3);
        var writing = Task.Run(() => h.Records.UpsertWhilePreparedAsync(write, feed, Token), Token);
        var failure = new InvalidRecordsException("Record 2 of model 'Deal' has no id field.");
        await FeedSlowlyAsync(feed, [Record("a", "1"), Record("b", "1")], failure);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writing);
        Assert.Same(failure, error.InnerException);
        Assert.Empty(await ReadAllAsync(h, connection));
        Assert.False((await h.Records.CountLiveAsync(connection, ["Deal"], Token)).TryGetValue("Deal", out var live) && live != 0);

        // The failed batch's transaction is gone with it: the next one takes the write lock and commits.
        Assert.Equal(new BatchResult(1, 0, 0, 0), await h.Records.UpsertAsync(write, [Record("c", "1")], Token));
        Assert.Equal(["c"], (await ReadAllAsync(h, connection)).Select(r => r.ExternalId));
    }

    [Fact]
    public async Task AFeedShorterThanItsCapacity_CountsWhatItGot_AndLeavesTheRestOfItsPositionsUnused()
    {
        var (h, connection, write) = await SetUpAsync(TestDialect.Sqlite);
        await using var _ = h;

        // A batch of three records of which one was a duplicate: the feed was made for three and got two.
        var feed = new PreparedRecordFeed(3);
        var writing = Task.Run(() => h.Records.UpsertWhilePreparedAsync(write, feed, Token), Token);
        await FeedSlowlyAsync(feed, [Record("a", "1"), Record("b", "1")]);
        var result = await writing;
        await h.Records.UpsertAsync(write, [Record("c", "1")], Token);

        Assert.Equal(new BatchResult(2, 0, 0, 0), result);
        var stored = await ReadAllAsync(h, connection);
        Assert.Equal(["a", "b", "c"], stored.Select(r => r.ExternalId));
        Assert.Equal(stored[1].Seq + 2, stored[2].Seq);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task Postgres_TakesAWholeBatchAtOnce()
    {
        var (h, _, write) = await SetUpAsync(TestDialect.Postgres);
        await using var harness = h;

        Assert.False(h.Records.UpsertsWhilePrepared);
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Records.UpsertWhilePreparedAsync(write, new PreparedRecordFeed(1), Token));
    }
}
