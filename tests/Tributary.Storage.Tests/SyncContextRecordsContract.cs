using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>The SDK's record writes and reads through the engine's context over the real stores, on both databases.</summary>
public abstract class SyncContextRecordsContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static JsonObject Deal(string id, string name) => new() { ["id"] = id, ["name"] = name };

    [Fact]
    public async Task BatchSave_DuplicateIds_KeepsTheFirstAndLogsEachDuplicate()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var logger = new ListLogger();
        var context = t.Context(await t.StartRunAsync("deals", Token), logger);

        var result = await context.BatchSaveAsync([Deal("a", "first"), Deal("b", "x"), Deal("a", "second")], "Deal", Token);

        Assert.Equal(new BatchResult(2, 0, 0, 0), result);
        Assert.Contains("first", (await t.ReadAsync("Deal", "a", Token)).PayloadJson, StringComparison.Ordinal);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal("Found duplicate key 'a' for model Deal. The record was ignored.", warning.Message);
    }

    [Fact]
    public async Task BatchSave_ReadsStoredHashesFirstOnlyWhileBatchesHaveUnchangedRecords()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var (store, recorder) = UpsertProbeRecorder.Wrap(t.H.Records);
        var context = t.Context(await t.StartRunAsync("deals", Token), records: store);

        var fresh = await context.BatchSaveAsync([Deal("a", "1"), Deal("b", "1")], "Deal", Token);
        var stillFresh = await context.BatchSaveAsync([Deal("c", "1")], "Deal", Token);
        var resaved = await context.BatchSaveAsync([Deal("a", "1"), Deal("b", "2")], "Deal", Token);
        var again = await context.BatchSaveAsync([Deal("a", "1"), Deal("c", "1")], "Deal", Token);

        // The first batch reads; one with nothing unchanged (a fresh ingest) switches the read off for the next
        // batch, and one that found an unchanged record switches it back on. The counts never depend on it.
        Assert.Equal([true, false, false, true], recorder.Probes);
        Assert.Equal(new BatchResult(2, 0, 0, 0), fresh);
        Assert.Equal(new BatchResult(1, 0, 0, 0), stillFresh);
        Assert.Equal(new BatchResult(0, 1, 0, 1), resaved);
        Assert.Equal(new BatchResult(0, 0, 0, 2), again);
    }

    [Fact]
    public async Task BatchSave_ExpectsNewRecordsOnlyAfterABatchThatAddedEveryRecord_AndCountsAlikeWhenTheyAreNot()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var (store, recorder) = UpsertProbeRecorder.Wrap(t.H.Records);
        var context = t.Context(await t.StartRunAsync("deals", Token), records: store);

        var first = await context.BatchSaveAsync([Deal("a", "1"), Deal("b", "1")], "Deal", Token);
        var fresh = await context.BatchSaveAsync([Deal("c", "1")], "Deal", Token);
        var notNew = await context.BatchSaveAsync([Deal("d", "1"), Deal("b", "2"), Deal("a", "1")], "Deal", Token);
        var after = await context.BatchSaveAsync([Deal("e", "1")], "Deal", Token);

        // The first batch knows nothing; one that added every record makes the next expected new; the third was
        // expected new but holds stored ids (PostgreSQL tries its append, finds them and upserts): counted as any
        // upsert, and the batch after it is not expected new.
        Assert.Equal([false, true, true, false], recorder.ExpectedNew);
        Assert.Equal(new BatchResult(2, 0, 0, 0), first);
        Assert.Equal(new BatchResult(1, 0, 0, 0), fresh);
        Assert.Equal(new BatchResult(1, 1, 0, 1), notNew);
        Assert.Equal(new BatchResult(1, 0, 0, 0), after);
        var stored = await t.ReadAllAsync("Deal", Token);
        // Cursor order: the third batch's block follows c's position (a rolled-back append reserved nothing), d and b
        // in batch order, a unchanged where it was.
        Assert.Equal(["a", "c", "d", "b", "e"], stored.Select(r => r.ExternalId));
        Assert.Contains("\"2\"", stored.Single(r => r.ExternalId == "b").PayloadJson, StringComparison.Ordinal);
    }

    /// <summary>A batch large enough to be written while it is prepared, on a store that can.</summary>
    private static JsonObject[] Deals(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => Deal($"{prefix}{i}", "1"))];

    [Fact]
    public async Task BatchSave_AFreshIngestsLaterLargeBatches_AreWrittenWhilePreparedOnSqlite_AndCountAsAnyBatch()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var (store, recorder) = UpsertProbeRecorder.Wrap(t.H.Records);
        var logger = new ListLogger();
        var context = t.Context(await t.StartRunAsync("deals", Token), logger, records: store);

        var first = await context.BatchSaveAsync(Deals("a", 100), "Deal", Token);
        var withDuplicate = await context.BatchSaveAsync([.. Deals("b", 99), Deal("b5", "later")], "Deal", Token);
        var small = await context.BatchSaveAsync(Deals("c", 3), "Deal", Token);
        var resaved = await context.BatchSaveAsync([.. Deals("a", 100), Deal("d", "1")], "Deal", Token);
        var next = await context.BatchSaveAsync(Deals("e", 100), "Deal", Token);

        // The first batch reads stored hashes; each after a batch with nothing unchanged does not; the batch after one
        // with unchanged records reads them again. Every later batch is written as it is prepared on SQLite (a small
        // one is not worth the hand-over), counted alike whether or not it reads stored hashes first.
        Assert.Equal(Dialect == TestDialect.Sqlite ? [false, true, false, true, true] : [false, false, false, false, false], recorder.WhilePrepared);
        Assert.Equal([true, false, false, false, true], recorder.Probes);
        Assert.Equal(new BatchResult(100, 0, 0, 0), first);
        Assert.Equal(new BatchResult(99, 0, 0, 0), withDuplicate);
        Assert.Equal(new BatchResult(3, 0, 0, 0), small);
        Assert.Equal(new BatchResult(1, 0, 0, 100), resaved);
        Assert.Equal(new BatchResult(100, 0, 0, 0), next);
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal("Found duplicate key 'b5' for model Deal. The record was ignored.", warning.Message);
        var stored = await t.ReadAllAsync("Deal", Token);
        Assert.Equal(303, stored.Count);
        Assert.Contains("\"1\"", stored.Single(r => r.ExternalId == "b5").PayloadJson, StringComparison.Ordinal);
        Assert.Equal([.. Deals("a", 100).Concat(Deals("b", 99)).Concat(Deals("c", 3)).Select(d => (string)d["id"]!), "d", .. Deals("e", 100).Select(d => (string)d["id"]!)], stored.Select(r => r.ExternalId));
    }

    [Fact]
    public async Task BatchSave_ALargeFreshBatchWithABadRecord_FailsWithItsOwnErrorAndWritesNothingOfTheBatch()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));
        await context.BatchSaveAsync(Deals("a", 100), "Deal", Token);

        JsonObject[] bad = [.. Deals("b", 80), new JsonObject { ["name"] = "no id" }, .. Deals("c", 19)];
        var error = await Assert.ThrowsAsync<InvalidRecordsException>(() => context.BatchSaveAsync(bad, "Deal", Token));
        var after = await context.BatchSaveAsync(Deals("d", 100), "Deal", Token);

        Assert.Equal("Record 80 of model 'Deal' has no id field.", error.Message);
        Assert.Equal(new BatchResult(100, 0, 0, 0), after);
        var stored = await t.ReadAllAsync("Deal", Token);
        Assert.Equal(200, stored.Count);
        Assert.DoesNotContain(stored, r => r.ExternalId.StartsWith('b'));
    }

    [Fact]
    public async Task BatchSave_ALargeReSaveWithABadRecord_FailsWithItsOwnErrorAndWritesNothingOfTheBatch()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var (store, recorder) = UpsertProbeRecorder.Wrap(t.H.Records);
        var context = t.Context(await t.StartRunAsync("deals", Token), records: store);
        await context.BatchSaveAsync(Deals("a", 100), "Deal", Token);
        await context.BatchSaveAsync(Deals("a", 100), "Deal", Token);

        // After a batch of unchanged records the stored hashes are read first: on SQLite as the records are prepared.
        JsonObject[] bad = [.. Deals("c", 80), new JsonObject { ["name"] = "no id" }, .. Deals("a", 19)];
        var error = await Assert.ThrowsAsync<InvalidRecordsException>(() => context.BatchSaveAsync(bad, "Deal", Token));
        var after = await context.BatchSaveAsync([.. Deals("a", 50), .. Deals("d", 50)], "Deal", Token);

        // PostgreSQL prepares the whole bad batch before it asks the store, so the store never sees it.
        Assert.Equal(Dialect == TestDialect.Sqlite ? [true, false, true, true] : [true, false, true], recorder.Probes);
        Assert.Equal(Dialect == TestDialect.Sqlite ? [false, true, true, true] : [false, false, false], recorder.WhilePrepared);
        Assert.Equal("Record 80 of model 'Deal' has no id field.", error.Message);
        Assert.Equal(new BatchResult(50, 0, 0, 50), after);
        var stored = await t.ReadAllAsync("Deal", Token);
        Assert.Equal(150, stored.Count);
        Assert.DoesNotContain(stored, r => r.ExternalId.StartsWith('c'));
    }

    [Fact]
    public async Task BatchSave_RecordWithoutId_FailsNamingModelAndIndexAndWritesNothing()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));

        var error = await Assert.ThrowsAsync<InvalidRecordsException>(
            () => context.BatchSaveAsync([Deal("a", "x"), new JsonObject { ["name"] = "no id" }], "Deal", Token));
        var empty = await Assert.ThrowsAsync<InvalidRecordsException>(
            () => context.BatchSaveAsync([new JsonObject { ["id"] = string.Empty }], "Deal", Token));

        Assert.Equal("Record 1 of model 'Deal' has no id field.", error.Message);
        Assert.Contains("Record 0 of model 'Deal'", empty.Message, StringComparison.Ordinal);
        Assert.Empty(await t.ReadAllAsync("Deal", Token));
    }

    [Fact]
    public async Task BatchWrites_ModelNotDeclaredBySync_AreRefused()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));

        var save = await Assert.ThrowsAsync<InvalidRecordsException>(() => context.BatchSaveAsync([Deal("a", "x")], "Contact", Token));
        await Assert.ThrowsAsync<InvalidRecordsException>(() => context.BatchUpdateAsync([Deal("a", "x")], "Contact", Token));
        await Assert.ThrowsAsync<InvalidRecordsException>(() => context.BatchDeleteAsync([Deal("a", "x")], "Contact", Token));

        Assert.Equal("The model 'Contact' is not included in the declared sync models: Deal.", save.Message);
        Assert.Empty(await t.ReadAllAsync("Contact", Token));
    }

    [Fact]
    public async Task BatchUpdate_DeepMergesLiveRecordsOnly_AndAnIdenticalFullSaveAfterwardsIsUnchanged()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));
        JsonObject Full(string[] tags, int zip) => new()
        {
            ["id"] = "a",
            ["name"] = "x",
            ["tags"] = new JsonArray([.. tags.Select(tag => JsonValue.Create(tag))]),
            ["address"] = new JsonObject { ["city"] = "Paris", ["zip"] = zip },
        };
        await context.BatchSaveAsync([Full(["one", "two"], 1), Deal("b", "x")], "Deal", Token);
        await context.BatchDeleteAsync([Deal("b", "x")], "Deal", Token);
        var cursor = (await t.ReadAllAsync("Deal", Token))[^1].Seq;

        var updated = await context.BatchUpdateAsync(
            [
                new JsonObject { ["id"] = "a", ["tags"] = new JsonArray("three"), ["address"] = new JsonObject { ["zip"] = 2 } },
                new JsonObject { ["id"] = "b", ["name"] = "revived?" },
                new JsonObject { ["id"] = "missing", ["name"] = "created?" },
            ],
            "Deal",
            Token);
        var merged = JsonNode.Parse((await t.ReadAsync("Deal", "a", Token)).PayloadJson)!;
        var resaved = await context.BatchSaveAsync([Full(["three"], 2)], "Deal", Token);

        Assert.Equal(new BatchResult(0, 1, 0, 2), updated);
        Assert.True(JsonNode.DeepEquals(Full(["three"], 2), merged));
        Assert.Equal(new BatchResult(0, 0, 0, 1), resaved);
        Assert.Equal(["a"], (await t.ReadAllAsync("Deal", Token, after: cursor)).Select(r => r.ExternalId));
        var b = await t.ReadAsync("Deal", "b", Token);
        Assert.NotNull(b.DeletedAt);
        Assert.Contains("\"name\":\"x\"", b.PayloadJson, StringComparison.Ordinal);
        Assert.Empty((await context.GetRecordsByIdsAsync(["missing"], "Deal", Token)));
    }

    [Fact]
    public async Task BatchUpdate_PrunedRecord_MergesOntoItsIdAndRestoresAPayload()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));
        await context.BatchSaveAsync([Deal("a", "x")], "Deal", Token);
        await t.H.Records.PruneAsync(t.Connection.Id, "Deal", long.MaxValue, 10, t.H.Now, Token);

        var updated = await context.BatchUpdateAsync([new JsonObject { ["id"] = "a", ["status"] = "open" }], "Deal", Token);
        var row = await t.ReadAsync("Deal", "a", Token);

        Assert.Equal(1, updated.Updated);
        Assert.Null(row.PrunedAt);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["id"] = "a", ["status"] = "open" }, JsonNode.Parse(row.PayloadJson)));
    }

    [Fact]
    public async Task BatchDelete_KeepsTheLastPayload_AndSavingAgainIsAddedWithANewFirstSeenAt()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));
        await context.BatchSaveAsync([Deal("a", "full payload")], "Deal", Token);
        var added = await t.ReadAsync("Deal", "a", Token);

        t.H.Time.Advance(TimeSpan.FromMinutes(1));
        var deleted = await context.BatchDeleteAsync([new JsonObject { ["id"] = "a" }], "Deal", Token);
        var afterDelete = (await context.GetRecordsByIdsAsync(["a"], "Deal", Token))["a"];
        t.H.Time.Advance(TimeSpan.FromMinutes(1));
        var revived = await context.BatchSaveAsync([Deal("a", "full payload")], "Deal", Token);
        var afterRevive = (await context.GetRecordsByIdsAsync(["a"], "Deal", Token))["a"];

        Assert.Equal(new BatchResult(0, 0, 1, 0), deleted);
        Assert.Equal(RecordAction.Deleted, afterDelete.Metadata.LastAction);
        Assert.Equal("full payload", (string?)afterDelete.Payload["name"]);
        Assert.Equal(new BatchResult(1, 0, 0, 0), revived);
        Assert.Equal(RecordAction.Added, afterRevive.Metadata.LastAction);
        Assert.Null(afterRevive.Metadata.DeletedAt);
        Assert.Equal(t.H.Time.GetUtcNow(), afterRevive.Metadata.FirstSeenAt);
        Assert.NotEqual(added.CreatedAt, (await t.ReadAsync("Deal", "a", Token)).CreatedAt);
    }

    [Fact]
    public async Task GetRecordsByIds_ReturnsFoundRecordsWithMetadata_DeletedIncludedAndMissingAbsent()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));
        await context.BatchSaveAsync([new JsonObject { ["id"] = 42, ["name"] = "numeric" }, Deal("b", "x"), Deal("c", "x")], "Deal", Token);
        await context.BatchDeleteAsync([Deal("c", "x")], "Deal", Token);
        var ids = Enumerable.Range(0, 150).Select(i => $"none-{i}").Concat(["42", "c", "42"]).ToList();

        var found = await context.GetRecordsByIdsAsync(ids, "Deal", Token);

        Assert.Equal(["42", "c"], found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("42", (string?)found["42"].Payload["id"]);
        Assert.Equal(RecordAction.Added, found["42"].Metadata.LastAction);
        Assert.Equal(RecordAction.Deleted, found["c"].Metadata.LastAction);
        Assert.NotNull(found["c"].Metadata.DeletedAt);
    }

    [Fact]
    public async Task ListRecords_ListsEveryPageInChangeOrder_DeletedIncluded_AndResumesFromACursor()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));
        await context.BatchSaveAsync([.. Enumerable.Range(0, 250).Select(i => Deal($"d{i:D3}", "x"))], "Deal", Token);
        await context.BatchDeleteAsync([Deal("d000", "x")], "Deal", Token);

        var all = new List<CachedRecord>();
        await foreach (var record in context.ListRecordsAsync("Deal", null, Token))
        {
            all.Add(record);
        }

        var rest = new List<CachedRecord>();
        await foreach (var record in context.ListRecordsAsync("Deal", all[99].Metadata.Cursor, Token))
        {
            rest.Add(record);
        }

        Assert.Equal(250, all.Count);
        Assert.Equal([.. Enumerable.Range(1, 249).Select(i => $"d{i:D3}"), "d000"], all.Select(r => r.Id));
        Assert.Equal(RecordAction.Deleted, all[^1].Metadata.LastAction);
        Assert.Equal(all.Skip(100).Select(r => r.Id), rest.Select(r => r.Id));
        await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var record in context.ListRecordsAsync("Deal", "not-a-cursor", Token))
            {
                Assert.Fail($"listed {record.Id}");
            }
        });
    }

    [Fact]
    public async Task SetMergingStrategy_IgnoreIfModifiedAfter_NeverOverwritesANewerWriteFromAnotherRun()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var logger = new ListLogger();
        var run = await t.StartRunAsync("deals", Token);
        var context = t.Context(run, logger);
        await context.BatchSaveAsync([Deal("a", "initial"), Deal("b", "initial")], "Deal", Token);
        await context.SetMergingStrategyAsync(MergingStrategy.IgnoreIfModifiedAfter, "Deal", Token);
        await context.SetMergingStrategyAsync(MergingStrategy.Override, "Deal", Token);
        var webhook = await t.StartRunAsync("contacts", Token);
        await t.H.Records.UpsertAsync(t.Write(webhook, "Deal"), [new PreparedRecord("a", "{\"id\":\"a\",\"name\":\"webhook\"}", "webhook")], Token);

        var saved = await context.BatchSaveAsync([Deal("a", "stale"), Deal("b", "fresh")], "Deal", Token);
        var ownAgain = await context.BatchSaveAsync([Deal("b", "fresher")], "Deal", Token);
        var updated = await context.BatchUpdateAsync([new JsonObject { ["id"] = "a", ["extra"] = 1 }], "Deal", Token);

        Assert.Equal(new BatchResult(0, 1, 0, 1), saved);
        Assert.Equal(new BatchResult(0, 1, 0, 0), ownAgain);
        Assert.Equal(0, updated.Updated);
        Assert.Equal("{\"id\":\"a\",\"name\":\"webhook\"}", (await t.ReadAsync("Deal", "a", Token)).PayloadJson);
        Assert.Contains("fresher", (await t.ReadAsync("Deal", "b", Token)).PayloadJson, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("already set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TrackDeletes_WindowSpanningAFailedRun_DeletesOnlyRecordsSavedInNeither()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var first = await t.StartRunAsync("deals", Token);
        await t.Context(first).BatchSaveAsync([Deal("a", "1"), Deal("b", "1"), Deal("c", "1"), Deal("d", "1")], "Deal", Token);
        await t.FinishRunAsync(first, succeeded: true, Token);

        var second = await t.StartRunAsync("deals", Token);
        var secondContext = t.Context(second);
        await secondContext.TrackDeletesStartAsync("Deal", Token);
        await secondContext.BatchSaveAsync([Deal("a", "1"), Deal("b", "2")], "Deal", Token);
        await t.FinishRunAsync(second, succeeded: false, Token);
        var window = await t.H.Checkpoints.GetAsync(t.Connection.Id, "sync:deals:base:trackDeletes:Deal", Token);

        var third = await t.StartRunAsync("deals", Token);
        var thirdContext = t.Context(third);
        await thirdContext.TrackDeletesStartAsync("Deal", Token);
        await thirdContext.BatchSaveAsync([Deal("c", "1")], "Deal", Token);
        var deleted = await thirdContext.TrackDeletesEndAsync("Deal", Token);

        Assert.Equal(second.RunId, (long)window!.Value!["syncJobId"]!);
        Assert.Equal(["d"], deleted);
        Assert.Equal(["d"], (await t.ReadAllAsync("Deal", Token, RecordFilter.Deleted)).Select(r => r.ExternalId));
        Assert.Null((await t.H.Checkpoints.GetAsync(t.Connection.Id, "sync:deals:base:trackDeletes:Deal", Token))!.Value);
        Assert.Equal(1, (int)JsonNode.Parse(third.Counts.ToJson())!["Deal"]!["deleted"]!);
        await Assert.ThrowsAsync<InvalidOperationException>(() => thirdContext.TrackDeletesEndAsync("Deal", Token));
    }

    [Fact]
    public async Task TrackDeletesEnd_WithoutStart_ThrowsAClearError()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var context = t.Context(await t.StartRunAsync("deals", Token));
        await context.BatchSaveAsync([Deal("a", "1")], "Deal", Token);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.TrackDeletesEndAsync("Deal", Token));

        Assert.Equal("No track deletes starting point found for model 'Deal': call TrackDeletesStartAsync before TrackDeletesEndAsync.", error.Message);
        Assert.Null((await t.ReadAsync("Deal", "a", Token)).DeletedAt);
    }

    [Fact]
    public async Task UnchangedSave_WithoutAWindow_DoesNotMarkSeen_WithAWindow_Does()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var first = await t.StartRunAsync("deals", Token);
        await t.Context(first).BatchSaveAsync([Deal("a", "1"), Deal("b", "1")], "Deal", Token);
        await t.FinishRunAsync(first, succeeded: true, Token);
        var second = await t.StartRunAsync("deals", Token);
        var context = t.Context(second);

        await context.BatchSaveAsync([Deal("a", "1")], "Deal", Token);
        var withoutWindow = await t.SeenRunAsync("Deal", "a", Token);
        await context.TrackDeletesStartAsync("Deal", Token);
        await context.BatchSaveAsync([Deal("b", "1")], "Deal", Token);

        Assert.Equal(first.RunId, withoutWindow);
        Assert.Equal(second.RunId, await t.SeenRunAsync("Deal", "b", Token));
    }

    [Fact]
    public async Task FinishRun_TrackDeletesFlag_IsVariantAwareAndJudgesFromTheFirstOfTheRunsItContinues()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        JsonObject Ticket(string id, string name) => new() { ["id"] = id, ["name"] = name };
        var baseRun = await t.StartRunAsync("tickets", Token);
        await t.Context(baseRun).BatchSaveAsync([Ticket("base", "1")], "Ticket", Token);
        await t.FinishRunAsync(baseRun, succeeded: true, Token);

        var first = await t.StartRunAsync("tickets", Token, variant: "v1");
        var firstContext = t.Context(first);
        await firstContext.BatchSaveAsync([Ticket("t1", "1"), Ticket("t2", "1"), Ticket("t3", "1")], "Ticket", Token);
        await firstContext.BatchSaveAsync([Ticket("x1", "1")], "Agent", Token);
        await firstContext.FinishRunAsync(Token);
        await t.FinishRunAsync(first, succeeded: true, Token);

        // Saves t1 and t2, then fails: the flag's window stays open from this run.
        var failed = await t.StartRunAsync("tickets", Token, variant: "v1");
        await t.Context(failed).BatchSaveAsync([Ticket("t1", "1"), Ticket("t2", "2")], "Ticket", Token);
        await t.FinishRunAsync(failed, succeeded: false, Token);

        var resumed = await t.StartRunAsync("tickets", Token, variant: "v1");
        var resumedContext = t.Context(resumed);
        await resumedContext.BatchSaveAsync([Ticket("t3", "1")], "Ticket", Token);
        await resumedContext.FinishRunAsync(Token);

        Assert.Empty(await t.ReadAllAsync("Ticket::v1", Token, RecordFilter.Deleted));
        Assert.Equal(["x1"], (await t.ReadAllAsync("Agent::v1", Token, RecordFilter.Deleted)).Select(r => r.ExternalId));
        Assert.Null((await t.ReadAsync("Ticket", "base", Token)).DeletedAt);
        Assert.Null((await t.H.Checkpoints.GetAsync(t.Connection.Id, "sync:tickets:v1:trackDeletes:Ticket", Token))!.Value);
        Assert.Equal(1, (int)JsonNode.Parse(resumed.Counts.ToJson())!["Agent"]!["deleted"]!);
    }

    [Fact]
    public async Task FinishRun_TrackDeletesFlag_DeletesWhatThisRunDidNotSave()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var first = await t.StartRunAsync("tickets", Token);
        var firstContext = t.Context(first);
        await firstContext.BatchSaveAsync([new JsonObject { ["id"] = "kept" }, new JsonObject { ["id"] = "gone" }], "Ticket", Token);
        await firstContext.FinishRunAsync(Token);
        await t.FinishRunAsync(first, succeeded: true, Token);

        var second = await t.StartRunAsync("tickets", Token);
        var context = t.Context(second);
        await context.BatchSaveAsync([new JsonObject { ["id"] = "kept" }], "Ticket", Token);
        await context.FinishRunAsync(Token);

        Assert.Equal(["gone"], (await t.ReadAllAsync("Ticket", Token, RecordFilter.Deleted)).Select(r => r.ExternalId));
    }
}

public sealed class SqliteSyncContextRecordsTests : SyncContextRecordsContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresSyncContextRecordsTests : SyncContextRecordsContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
