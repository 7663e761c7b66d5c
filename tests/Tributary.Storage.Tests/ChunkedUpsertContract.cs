using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// A batch handed to the store a chunk at a time (<see cref="IPreparedChunks"/>) is the same one transaction as the whole
/// batch at once: same counts, positions and payloads, and nothing written when a later chunk turns out bad.
/// </summary>
public abstract class ChunkedUpsertContract
{
    protected abstract TestDialect Dialect { get; }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    protected static PreparedRecord Record(string id, string name) =>
        new(id, $"{{\"id\":\"{id}\",\"name\":\"{name}\"}}", $"hash-{name}");

    private protected static async Task<(StoreHarness H, long Connection, RecordWrite Write)> SetUpAsync(TestDialect dialect)
    {
        var h = await StoreHarness.CreateAsync(dialect, Token);
        var connection = await h.CreateConnectionAsync("c1", Token);
        var sync = await h.SyncAsync(connection, "deals", Token);
        await h.TriggerAsync(sync, Token);
        var run = await h.ClaimOneAsync(Token);
        return (h, connection.Id, new RecordWrite(new RunFence(run.RunId, run.LeaseToken), connection.Id, "Deal", h.Now, _ => "{}"));
    }

    private protected static async Task<IReadOnlyList<StoredRecord>> ReadAllAsync(StoreHarness h, long connection, RecordFilter filter = RecordFilter.None) =>
        (await h.Records.ReadPageAsync(new RecordPageQuery(connection, "Deal", null, null, filter, [], 1000), Token)).Records;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChunkedUpsert_GivesTheCountsPositionsAndPayloadsOfTheWholeBatch(bool probe)
    {
        // The same history twice, once with whole batches and once in chunks of 70: a first save of 300 records,
        // one deleted and one pruned, then a batch that spans chunks with unchanged, changed, deleted, pruned and
        // new records (and chunks with none of a kind).
        var first = Enumerable.Range(0, 300).Select(i => Record($"r{i:000}", "1")).ToList();
        var second = Enumerable.Range(0, 400)
            .Select(i => Record($"r{i:000}", i % 3 == 0 || i >= 300 ? "2" : "1"))
            .ToList();
        var whole = await HistoryAsync(Dialect, probe, (h, write, batch) => h.Records.UpsertAsync(write, batch, Token));
        var chunked = await HistoryAsync(Dialect, probe, (h, write, batch) => h.Records.UpsertAsync(write, new ListChunks(batch, 70), Token));

        Assert.Equal(new BatchResult(300, 0, 0, 0), chunked.Results[0]);
        Assert.Equal(whole.Results, chunked.Results);
        Assert.Equal(new BatchResult(101, 100, 0, 199), chunked.Results[1]);
        Assert.Equal(whole.Rows, chunked.Rows);
        Assert.Equal(whole.Live, chunked.Live);
        Assert.Equal(400, chunked.Live);

        async Task<(List<BatchResult> Results, List<(string, long, long, string)> Rows, long Live)> HistoryAsync(
            TestDialect dialect, bool probeUnchanged, Func<StoreHarness, RecordWrite, IReadOnlyList<PreparedRecord>, Task<BatchResult>> upsert)
        {
            var (h, connection, write) = await SetUpAsync(dialect);
            await using var _ = h;
            write = write with { ProbeUnchanged = probeUnchanged };
            var results = new List<BatchResult> { await upsert(h, write, first) };
            await h.Records.DeleteAsync(write, ["r010"], Token);
            var pruned = (await ReadAllAsync(h, connection)).Single(r => r.ExternalId == "r000");
            await h.Records.PruneAsync(connection, "Deal", pruned.Seq, 100, h.Now, Token);
            results.Add(await upsert(h, write, second));
            var rows = (await ReadAllAsync(h, connection)).Select(r => (r.ExternalId, r.Seq, r.AddedSeq, r.PayloadJson ?? "")).ToList();
            return (results, rows, (await h.Records.CountLiveAsync(connection, ["Deal"], Token))["Deal"]);
        }
    }

    [Fact]
    public async Task ChunkedUpsert_ABadRecordInALaterChunk_WritesNothingOfTheBatch()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;
        var batch = Enumerable.Range(0, 300).Select(i => Record($"r{i:000}", "1")).ToList();

        var error = await Assert.ThrowsAsync<InvalidRecordsException>(
            () => h.Records.UpsertAsync(write, new ListChunks(batch, 100, failAtChunk: 2), Token));
        var after = await h.Records.UpsertAsync(write, [Record("a", "1")], Token);

        // The two chunks before the bad one were written inside the transaction, which rolled back; the store is usable.
        Assert.Equal(ListChunks.Failure, error.Message);
        Assert.Equal(new BatchResult(1, 0, 0, 0), after);
        Assert.Equal(["a"], (await ReadAllAsync(h, connection)).Select(r => r.ExternalId));
        Assert.Equal(1, (await h.Records.CountLiveAsync(connection, ["Deal"], Token))["Deal"]);
    }

    /// <summary>A batch handed out in chunks of a fixed size, optionally throwing as preparation does for a bad record.</summary>
    protected class ListChunks(IReadOnlyList<PreparedRecord> records, int size, int failAtChunk = -1) : IPreparedChunks
    {
        public const string Failure = "Record 200 of model 'Deal' has no id field.";

        private int _taken;

        public bool HasMore => _taken * size < records.Count;

        public IReadOnlyList<PreparedRecord>? NextChunk()
        {
            if (!HasMore)
            {
                return null;
            }

            if (_taken == failAtChunk)
            {
                throw new InvalidRecordsException(Failure);
            }

            var chunk = Chunk(records.Skip(_taken * size).Take(size).ToList(), _taken);
            _taken++;
            return chunk;
        }

        protected virtual IReadOnlyList<PreparedRecord> Chunk(List<PreparedRecord> rows, int index) => rows;
    }
}

public sealed class SqliteChunkedUpsertTests : ChunkedUpsertContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;

    [Fact]
    public async Task ChunkedUpsert_WritesAChunkWhileTheNextIsPrepared()
    {
        var (h, connection, write) = await SetUpAsync(Dialect);
        await using var _ = h;
        var batch = Enumerable.Range(0, 300).Select(i => Record($"r{i:000}", "1")).ToList();
        var chunks = new OverlapProbe(batch);

        var result = await h.Records.UpsertAsync(write, chunks, Token);

        // The writes of chunks 0 and 1 each waited, at their first row, for the next chunk's preparation to begin: that
        // only happens when the write runs while the next chunk is prepared. Written one after the other, each wait
        // runs out (5 s) and says false.
        Assert.Equal(new BatchResult(300, 0, 0, 0), result);
        Assert.Equal([true, true], chunks.WriteSawTheNextChunkBegin);
        Assert.Equal(300, (await ReadAllAsync(h, connection)).Count);
    }

    /// <summary>Three chunks of 100; the store's first read of a chunk's row waits for the next chunk's preparation to begin.</summary>
    private sealed class OverlapProbe(IReadOnlyList<PreparedRecord> records) : ListChunks(records, 100)
    {
        private readonly ManualResetEventSlim[] _begun = [new(), new(), new()];

        public List<bool> WriteSawTheNextChunkBegin { get; } = [];

        protected override IReadOnlyList<PreparedRecord> Chunk(List<PreparedRecord> rows, int index)
        {
            _begun[index].Set();
            if (index == _begun.Length - 1)
            {
                return rows;
            }

            return new FirstReadWaits(rows, () =>
            {
                lock (WriteSawTheNextChunkBegin)
                {
                    WriteSawTheNextChunkBegin.Add(_begun[index + 1].Wait(TimeSpan.FromSeconds(5), Token));
                }
            });
        }
    }

    /// <summary>A chunk that runs <paramref name="onFirstRead"/> when the store first reads one of its rows (binding it for the write).</summary>
    private sealed class FirstReadWaits(List<PreparedRecord> rows, Action onFirstRead) : IReadOnlyList<PreparedRecord>
    {
        private int _read;

        public int Count => rows.Count;

        public PreparedRecord this[int index]
        {
            get
            {
                FirstRead();
                return rows[index];
            }
        }

        public IEnumerator<PreparedRecord> GetEnumerator()
        {
            FirstRead();
            return rows.GetEnumerator();
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        private void FirstRead()
        {
            if (Interlocked.Exchange(ref _read, 1) == 0)
            {
                onFirstRead();
            }
        }
    }
}

[Trait("Category", "Postgres")]
public sealed class PostgresChunkedUpsertTests : ChunkedUpsertContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
