using Microsoft.Extensions.Logging.Abstractions;
using Tributary.Core.Ports;
using Tributary.Core.Records;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>The records store's pruning, merge guard, seen marking and deletion detection, on both databases (encryption: <see cref="RecordsEncryptionContract"/>).</summary>
public abstract class RecordsCacheContract
{
    private const string Model = "Ticket";

    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static PreparedRecord Record(string id, string name) =>
        new(id, $"{{\"id\":\"{id}\",\"name\":\"{name}\"}}", $"hash-{name}");

    private static List<PreparedRecord> Records(int count, string name) =>
        [.. Enumerable.Range(0, count).Select(i => Record($"r{i:D3}", name))];

    [Fact]
    public async Task Prune_UpToCursor_EmptiesPayloadsKeepingMetadataAndPositions()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(run, Model), Records(5, "x"), Token);
        await t.H.Records.DeleteAsync(t.Write(run, Model), ["r001"], Token);
        var before = await t.ReadAllAsync(Model, Token);
        var until = before.Single(r => r.ExternalId == "r003").Seq;

        t.H.Time.Advance(TimeSpan.FromMinutes(1));
        var first = await t.H.Records.PruneAsync(t.Connection.Id, Model, until, 2, t.H.Now, Token);
        var second = await t.H.Records.PruneAsync(t.Connection.Id, Model, until, 2, t.H.Now, Token);
        var third = await t.H.Records.PruneAsync(t.Connection.Id, Model, until, 2, t.H.Now, Token);
        var after = await t.ReadAllAsync(Model, Token);

        Assert.Equal(2, first.Count);
        Assert.Equal(1, second.Count);
        Assert.Equal(until, second.LastSeq);
        Assert.Equal(0, third.Count);
        Assert.Equal(before.Select(r => (r.ExternalId, r.Seq, r.AddedSeq, r.CreatedAt, r.UpdatedAt, r.DeletedAt)), after.Select(r => (r.ExternalId, r.Seq, r.AddedSeq, r.CreatedAt, r.UpdatedAt, r.DeletedAt)));
        Assert.All(after.Where(r => r.ExternalId is "r000" or "r002" or "r003"), r => Assert.Equal(t.H.Now, r.PrunedAt));
        Assert.All(after.Where(r => r.ExternalId is "r000" or "r002" or "r003"), r => Assert.Equal(string.Empty, r.PayloadJson));
        // r001 was deleted after r004 was written: its position is past the cursor, so it keeps its payload.
        Assert.All(after.Where(r => r.ExternalId is "r001" or "r004"), r => Assert.Null(r.PrunedAt));
        Assert.Equal(4, (await t.H.Records.CountLiveAsync(t.Connection.Id, [Model], Token))[Model]);
    }

    [Fact]
    public async Task Upsert_PrunedRecordSavedUnchanged_RestoresPayloadInPlace()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(run, Model), [Record("a", "1"), Record("b", "1")], Token);
        var before = await t.ReadAsync(Model, "a", Token);
        await t.H.Records.PruneAsync(t.Connection.Id, Model, before.Seq, 10, t.H.Now, Token);

        var unchanged = await t.H.Records.UpsertAsync(t.Write(run, Model), [Record("a", "1")], Token);
        var changed = await t.H.Records.UpsertAsync(t.Write(run, Model), [Record("b", "2")], Token);
        var a = await t.ReadAsync(Model, "a", Token);
        var b = await t.ReadAsync(Model, "b", Token);

        Assert.Equal(new BatchResult(0, 0, 0, 1), unchanged);
        Assert.Equal((before.Seq, before.UpdatedAt, (long?)null), (a.Seq, a.UpdatedAt, a.PrunedAt));
        Assert.Contains("\"name\":\"1\"", a.PayloadJson, StringComparison.Ordinal);
        Assert.Equal(new BatchResult(0, 1, 0, 0), changed);
        Assert.True(b.Seq > a.Seq);
        Assert.Null(b.PrunedAt);
    }

    [Fact]
    public async Task Upsert_WithGuard_SkipsRecordsAnotherRunChangedAfterTheGuardButNotItsOwn()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var other = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(other, Model), [Record("a", "1"), Record("b", "1"), Record("c", "1")], Token);
        var guard = await t.H.Records.GetLastSeqAsync(t.Connection.Id, Model, Token);
        await t.H.Records.UpsertAsync(t.Write(other, Model), [Record("a", "webhook")], Token);
        await t.H.Records.DeleteAsync(t.Write(other, Model), ["c"], Token);
        var mine = await t.StartRunAsync("deals", Token);

        var saved = await t.H.Records.UpsertAsync(t.Write(mine, Model, guard: guard), [Record("a", "sync"), Record("b", "sync"), Record("c", "sync")], Token);
        var again = await t.H.Records.UpsertAsync(t.Write(mine, Model, guard: guard), [Record("b", "sync-2")], Token);
        var deleted = await t.H.Records.DeleteAsync(t.Write(mine, Model, guard: guard), ["a", "b"], Token);

        Assert.Equal(new BatchResult(0, 1, 0, 2), saved);
        Assert.Equal(new BatchResult(0, 1, 0, 0), again);
        Assert.Equal(new BatchResult(0, 0, 1, 1), deleted);
        Assert.Contains("webhook", (await t.ReadAsync(Model, "a", Token)).PayloadJson, StringComparison.Ordinal);
        Assert.NotNull((await t.ReadAsync(Model, "b", Token)).DeletedAt);
        Assert.NotNull((await t.ReadAsync(Model, "c", Token)).DeletedAt);
        Assert.Contains("\"name\":\"1\"", (await t.ReadAsync(Model, "c", Token)).PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLastSeq_EmptyDataset_IsZero()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);

        Assert.Equal(0, await t.H.Records.GetLastSeqAsync(t.Connection.Id, Model, Token));
    }

    [Fact]
    public async Task Update_OnlyLiveRecordsWhoseHashIsStillTheExpectedOne()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(run, Model), [Record("live", "1"), Record("moved", "1"), Record("gone", "1")], Token);
        await t.H.Records.UpsertAsync(t.Write(run, Model), [Record("moved", "2")], Token);
        await t.H.Records.DeleteAsync(t.Write(run, Model), ["gone"], Token);

        var written = await t.H.Records.UpdateAsync(
            t.Write(run, Model),
            [
                new RecordUpdate(Record("live", "merged"), "hash-1"),
                new RecordUpdate(Record("moved", "merged"), "hash-1"),
                new RecordUpdate(Record("gone", "merged"), "hash-1"),
                new RecordUpdate(Record("missing", "merged"), "hash-1"),
            ],
            Token);

        Assert.Equal(["live"], written);
        Assert.Equal("hash-merged", (await t.H.Records.GetLivePayloadsAsync(t.Connection.Id, Model, ["live"], Token))["live"].Hash);
        Assert.Contains("\"name\":\"2\"", (await t.ReadAsync(Model, "moved", Token)).PayloadJson, StringComparison.Ordinal);
        Assert.NotNull((await t.ReadAsync(Model, "gone", Token)).DeletedAt);
        Assert.Empty(await t.ReadAllAsync(Model, Token, after: (await t.ReadAsync(Model, "live", Token)).Seq));
    }

    [Fact]
    public async Task Upsert_UnchangedWithoutMarkSeen_WritesNothing_WithMarkSeen_OnlyMarksSeen()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var first = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(first, Model), [Record("a", "1"), Record("b", "1")], Token);
        await t.FinishRunAsync(first, succeeded: true, Token);
        var second = await t.StartRunAsync("tickets", Token);
        var before = await t.ReadAsync(Model, "a", Token);
        var version = await t.RowVersionAsync(Model, "a", Token);

        await t.H.Records.UpsertAsync(t.Write(second, Model), [Record("a", "1")], Token);
        var seenWithout = await t.SeenRunAsync(Model, "a", Token);
        var versionWithout = await t.RowVersionAsync(Model, "a", Token);
        var marked = await t.H.Records.UpsertAsync(t.Write(second, Model, markSeen: true), [Record("a", "1"), Record("b", "2")], Token);
        var after = await t.ReadAsync(Model, "a", Token);

        Assert.Equal(first.RunId, seenWithout);
        Assert.Equal(version, versionWithout);
        Assert.Equal(new BatchResult(0, 1, 0, 1), marked);
        Assert.Equal(second.RunId, await t.SeenRunAsync(Model, "a", Token));
        Assert.Equal(second.RunId, await t.SeenRunAsync(Model, "b", Token));
        Assert.Equal((before.Seq, before.UpdatedAt), (after.Seq, after.UpdatedAt));
    }

    [Fact]
    public async Task DeleteUnseen_DeletesLiveRecordsNotSeenSinceTheGeneration_InBatches()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var first = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(first, Model), Records(7, "1"), Token);
        await t.H.Records.DeleteAsync(t.Write(first, Model), ["r006"], Token);
        await t.FinishRunAsync(first, succeeded: true, Token);
        var second = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(second, Model, markSeen: true), [Record("r000", "1"), Record("r003", "2")], Token);
        var cursor = (await t.ReadAllAsync(Model, Token))[^1].Seq;

        var batches = new List<UnseenDeletion>();
        var after = string.Empty;
        do
        {
            batches.Add(await t.H.Records.DeleteUnseenAsync(t.Write(second, Model), second.RunId, after, 2, Token));
            after = batches[^1].LastScanned;
        }
        while (batches[^1].HasMore);
        var changes = await t.ReadAllAsync(Model, Token, after: cursor);

        Assert.Equal(["r001", "r002", "r004", "r005"], batches.SelectMany(b => b.DeletedIds));
        Assert.Equal(["r001", "r002", "r004", "r005"], changes.Select(r => r.ExternalId));
        Assert.All(changes, r => Assert.NotNull(r.DeletedAt));
        Assert.All(changes, r => Assert.Contains("\"name\":\"1\"", r.PayloadJson, StringComparison.Ordinal));
        Assert.Equal(2, (await t.H.Records.CountLiveAsync(t.Connection.Id, [Model], Token))[Model]);
    }

    [Fact]
    public async Task DeleteUnseen_WithAStaleFence_IsRefused()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(run, Model), Records(2, "1"), Token);
        await t.FinishRunAsync(run, succeeded: true, Token);

        await Assert.ThrowsAsync<LeaseLostException>(() => t.H.Records.DeleteUnseenAsync(t.Write(run, Model), run.RunId + 1, string.Empty, 10, Token));
        Assert.Equal(2, (await t.H.Records.CountLiveAsync(t.Connection.Id, [Model], Token))[Model]);
    }

    [Fact]
    public async Task PruneStale_PrunesOnlyRecordsNotModifiedSinceTheCutoff()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(run, Model), [Record("old", "1")], Token);
        t.H.Time.Advance(TimeSpan.FromDays(31));
        var cutoff = t.H.Now - 1;
        await t.H.Records.UpsertAsync(t.Write(run, Model), [Record("new", "1")], Token);

        var pruned = await t.H.Records.PruneStaleAsync(cutoff, 100, t.H.Now, Token);

        Assert.Equal(1, pruned);
        Assert.NotNull((await t.ReadAsync(Model, "old", Token)).PrunedAt);
        Assert.Null((await t.ReadAsync(Model, "new", Token)).PrunedAt);
    }

    [Fact]
    public async Task Retention_WhenOn_PrunesStalePayloadsInBatches_WhenOff_PrunesNothing()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(run, Model), Records(5, "old"), Token);
        t.H.Time.Advance(TimeSpan.FromDays(10));
        await t.H.Records.UpsertAsync(t.Write(run, Model), [Record("fresh", "1")], Token);
        var off = new RecordsRetention(t.H.Records, RecordsRetentionOptions.Off, t.H.Time, NullLogger<RecordsRetention>.Instance);
        var on = new RecordsRetention(t.H.Records, RecordsRetentionOptions.Off with { PruneAfter = TimeSpan.FromDays(7), BatchSize = 2 }, t.H.Time, NullLogger<RecordsRetention>.Instance);

        var prunedWhenOff = await off.RunOnceAsync(Token);
        var prunedWhenOn = await on.RunOnceAsync(Token);

        Assert.Equal(0, prunedWhenOff);
        Assert.Equal(5, prunedWhenOn);
        Assert.Null((await t.ReadAsync(Model, "fresh", Token)).PrunedAt);
        Assert.All((await t.ReadAllAsync(Model, Token)).Where(r => r.ExternalId != "fresh"), r => Assert.NotNull(r.PrunedAt));
    }
}

public sealed class SqliteRecordsCacheTests : RecordsCacheContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresRecordsCacheTests : RecordsCacheContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
