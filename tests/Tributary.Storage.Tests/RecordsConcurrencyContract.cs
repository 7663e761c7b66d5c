using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// The cursor proof: 4 runs write (adds, changes, unchanged saves, deletes, re-adds) into one dataset through the
/// store with their fences, while 4 readers page from their last cursor, for
/// <c>TRIBUTARY_RECORDS_CONCURRENCY_SECONDS</c> (default 30) on each database.
/// </summary>
/// <remarks>
/// Every commit of a record is a new state <c>(version, deleted)</c>, strictly increasing per record (a re-add bumps
/// the version). The cache keeps the latest state only, so a reader cannot see a state that was superseded before its
/// cursor reached the record; what it must do, and what is checked: every state it sees was committed, it never sees
/// a state twice nor an older one after a newer (no duplicates, no reordering), and each time it reaches the end it
/// has seen, for every record, at least the state committed before that last pass started (nothing skipped) — at
/// the end, exactly the final state of every record.
/// </remarks>
public abstract class RecordsConcurrencyContract
{
    private const string Model = "Item";
    private const int Writers = 4;
    private const int Readers = 4;
    private const int IdsPerWriter = 150;

    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static TimeSpan Duration =>
        TimeSpan.FromSeconds(
            int.TryParse(Environment.GetEnvironmentVariable("TRIBUTARY_RECORDS_CONCURRENCY_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? seconds
                : 30);

    [Fact]
    public async Task WritersAndReaders_Concurrently_ReadersSeeEveryCommittedStateInOrderWithoutSkipsOrDuplicates()
    {
        var syncs = Enumerable.Range(0, Writers)
            .Select(w => new SyncConfigDeployment($"writer{w}", "sample-data", [Model], "every 1h", 3_600_000, false, "full", false))
            .ToList();
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token, syncs);
        var runs = new List<TestRun>();
        foreach (var sync in syncs)
        {
            runs.Add(await t.StartRunAsync(sync.Name, Token));
        }

        var ledger = new Ledger();
        var started = TimeProvider.System.GetTimestamp();
        using var writersDone = new CancellationTokenSource();
        var writers = runs.Select((run, w) => Task.Run(() => WriteAsync(t, run, w, ledger, Duration), Token)).ToList();
        var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(() => ReadAsync(t, r, ledger, writersDone.Token), Token)).ToList();

        await Task.WhenAll(writers);
        await writersDone.CancelAsync();
        var views = await Task.WhenAll(readers);

        var final = ledger.Latest();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Dialect}: {ledger.Commits} committed states of {final.Count} records in {TimeProvider.System.GetElapsedTime(started)}; "
            + $"readers saw {string.Join(", ", views.Select(v => $"{v.Seen.Values.Sum(s => s.Count)} states in {v.Passes} passes"))}.");
        Assert.True(ledger.Commits > 100, $"only {ledger.Commits} commits in {TimeProvider.System.GetElapsedTime(started)}");
        foreach (var view in views)
        {
            Assert.True(view.Passes > 1, $"reader {view.Reader} completed only {view.Passes} passes");
            Assert.Equal(final.Count, view.Latest.Count);
            foreach (var (id, state) in final)
            {
                Assert.Equal(state, view.Latest[id]);
            }

            foreach (var (id, seen) in view.Seen)
            {
                var committed = ledger.History(id);
                Assert.All(seen, state => Assert.Contains(state, committed));
            }
        }
    }

    private static async Task WriteAsync(RecordsTestbed t, TestRun run, int writer, Ledger ledger, TimeSpan duration)
    {
        var random = new Random(writer + 1);
        var states = new Dictionary<string, State>(StringComparer.Ordinal);
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < duration)
        {
            var ids = Enumerable.Range(0, random.Next(1, 25)).Select(_ => $"w{writer}-{random.Next(IdsPerWriter):D3}").Distinct(StringComparer.Ordinal).ToList();
            var saves = new List<PreparedRecord>();
            var deletes = new List<string>();
            var saved = new List<(string Id, State State)>();
            int added = 0, updated = 0, unchanged = 0;
            foreach (var id in ids)
            {
                var known = states.GetValueOrDefault(id);
                var roll = random.Next(100);
                if (known is null || known.Deleted)
                {
                    var next = new State((known?.Version ?? 0) + 1, Deleted: false);
                    saves.Add(Payload(id, next.Version));
                    saved.Add((id, next));
                    added++;
                }
                else if (roll < 25)
                {
                    deletes.Add(id);
                }
                else if (roll < 45)
                {
                    // Unchanged: must neither move the cursor nor show up as a new state.
                    saves.Add(Payload(id, known.Version));
                    unchanged++;
                }
                else
                {
                    var next = new State(known.Version + 1, Deleted: false);
                    saves.Add(Payload(id, next.Version));
                    saved.Add((id, next));
                    updated++;
                }
            }

            if (saves.Count > 0)
            {
                var result = await t.H.Records.UpsertAsync(t.Write(run, Model), saves, Token);
                Assert.Equal(new BatchResult(added, updated, 0, unchanged), result);
                foreach (var (id, state) in saved)
                {
                    states[id] = state;
                    ledger.Commit(id, state);
                }
            }

            if (deletes.Count > 0)
            {
                var result = await t.H.Records.DeleteAsync(t.Write(run, Model), deletes, Token);
                Assert.Equal(new BatchResult(0, 0, deletes.Count, 0), result);
                foreach (var id in deletes)
                {
                    var state = states[id] with { Deleted = true };
                    states[id] = state;
                    ledger.Commit(id, state);
                }
            }
        }
    }

    private static async Task<ReaderView> ReadAsync(RecordsTestbed t, int reader, Ledger ledger, CancellationToken writersDone)
    {
        var random = new Random(100 + reader);
        var view = new ReaderView(reader);
        long? cursor = null;
        while (true)
        {
            // Taken before the pass: everything committed by now must be seen by the end of the pass.
            var finishing = writersDone.IsCancellationRequested;
            var expected = ledger.Latest();
            var passStart = cursor;
            RecordPage page;
            do
            {
                page = await t.H.Records.ReadPageAsync(
                    new RecordPageQuery(t.Connection.Id, Model, cursor, null, RecordFilter.None, [], random.Next(1, 60)),
                    Token);
                foreach (var record in page.Records)
                {
                    view.See(record);
                }

                if (page.Records.Count > 0)
                {
                    cursor = page.Records[^1].Seq;
                }
            }
            while (page.HasMore);

            view.Passes++;
            foreach (var (id, state) in expected)
            {
                if (!view.Latest.TryGetValue(id, out var seen) || seen.CompareTo(state) < 0)
                {
                    // Where the record is now tells a skip (stored at or below the pass's start) from a stale read.
                    var stored = await t.ReadAsync(Model, id, Token);
                    Assert.Fail(
                        $"reader {reader} reached the end without {id} at {state} (it has {seen}); the pass started after "
                        + $"{passStart?.ToString(CultureInfo.InvariantCulture) ?? "the beginning"} and ended at {cursor}; the record is stored now at "
                        + $"{stored.Seq} as {new State((int)JsonNode.Parse(stored.PayloadJson)!["v"]!, stored.DeletedAt is not null)}");
                }
            }

            if (finishing)
            {
                return view;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(0, 5)), TimeProvider.System, Token);
        }
    }

    private static PreparedRecord Payload(string id, int version) =>
        new(id, $"{{\"id\":\"{id}\",\"v\":{version},\"pad\":\"{new string('p', 40)}\"}}", $"v{version}");

    /// <summary>A record's committed state: its payload version and whether it is deleted; ordered as committed.</summary>
    private sealed record State(int Version, bool Deleted) : IComparable<State>
    {
        public int CompareTo(State? other) =>
            other is null ? 1 : Version != other.Version ? Version.CompareTo(other.Version) : Deleted.CompareTo(other.Deleted);

        public override string ToString() => $"v{Version}{(Deleted ? " deleted" : string.Empty)}";
    }

    /// <summary>What the writers committed: each record's states in commit order (each record has one writer).</summary>
    private sealed class Ledger
    {
        private readonly ConcurrentDictionary<string, List<State>> _history = new(StringComparer.Ordinal);
        private int _commits;

        public int Commits => _commits;

        public void Commit(string id, State state)
        {
            var history = _history.GetOrAdd(id, _ => []);
            lock (history)
            {
                history.Add(state);
            }

            Interlocked.Increment(ref _commits);
        }

        public Dictionary<string, State> Latest()
        {
            var latest = new Dictionary<string, State>(StringComparer.Ordinal);
            foreach (var (id, history) in _history)
            {
                lock (history)
                {
                    // A history is in the dictionary a moment before its first state is added: not committed yet.
                    if (history.Count > 0)
                    {
                        latest[id] = history[^1];
                    }
                }
            }

            return latest;
        }

        public List<State> History(string id)
        {
            var history = _history[id];
            lock (history)
            {
                return [.. history];
            }
        }
    }

    /// <summary>One reader's view: every state seen per record, checked to be new and newer on arrival.</summary>
    private sealed class ReaderView(int reader)
    {
        public int Reader { get; } = reader;

        public int Passes { get; set; }

        public Dictionary<string, State> Latest { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<State>> Seen { get; } = new(StringComparer.Ordinal);

        public void See(StoredRecord record)
        {
            var version = (int)JsonNode.Parse(record.PayloadJson)!["v"]!;
            var state = new State(version, record.DeletedAt is not null);
            if (Latest.TryGetValue(record.ExternalId, out var previous))
            {
                Assert.True(state.CompareTo(previous) > 0, $"reader {Reader} saw {record.ExternalId} at {state} after {previous} (duplicate or out of order)");
            }

            Latest[record.ExternalId] = state;
            if (!Seen.TryGetValue(record.ExternalId, out var seen))
            {
                seen = [];
                Seen[record.ExternalId] = seen;
            }

            seen.Add(state);
        }
    }
}

public sealed class SqliteRecordsConcurrencyTests : RecordsConcurrencyContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresRecordsConcurrencyTests : RecordsConcurrencyContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
