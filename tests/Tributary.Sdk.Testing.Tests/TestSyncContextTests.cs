using System.Text.Json.Nodes;
using Tributary.Sdk;

namespace Tributary.Sdk.Testing.Tests;

public sealed class TestSyncContextTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BatchSaveAsync_NewRecords_CountsThemAdded()
    {
        var context = new TestSyncContext(["Contact"]);

        var result = await context.BatchSaveAsync([new { id = "a", name = "Ada" }, new { id = "b", name = "Bo" }], "Contact", Token);

        Assert.Equal(new BatchResult(2, 0, 0, 0), result);
        Assert.Equal("""{"id":"a","name":"Ada"}""", context.Find("Contact", "a")!.Json);
        Assert.Equal(result, context.ChangesOf("Contact"));
        Assert.Equal(1, context.SaveCalls);
    }

    [Fact]
    public async Task BatchSaveAsync_SameContentAgain_CountsItUnchanged()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "a", name = "Ada" }], "Contact", Token);

        var result = await context.BatchSaveAsync([new { id = "a", name = "Ada" }], "Contact", Token);

        Assert.Equal(new BatchResult(0, 0, 0, 1), result);
    }

    [Fact]
    public async Task BatchSaveAsync_ChangedContentOrPropertyOrder_CountsItUpdated()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "a", name = "Ada" }], "Contact", Token);

        var changed = await context.BatchSaveAsync([new { id = "a", name = "Ada L." }], "Contact", Token);
        var reordered = await context.BatchSaveAsync([new { name = "Ada L.", id = "a" }], "Contact", Token);

        Assert.Equal(new BatchResult(0, 1, 0, 0), changed);
        Assert.Equal(new BatchResult(0, 1, 0, 0), reordered);
    }

    [Fact]
    public async Task BatchDeleteAsync_LiveRecord_MarksItDeletedAndKeepsItsPayload()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "a", name = "Ada" }], "Contact", Token);

        var result = await context.BatchDeleteAsync([new { id = "a" }], "Contact", Token);

        Assert.Equal(new BatchResult(0, 0, 1, 0), result);
        var stored = context.Find("Contact", "a")!;
        Assert.True(stored.IsDeleted);
        Assert.Equal("Ada", stored.Payload["name"]!.GetValue<string>());
        Assert.Empty(context.LiveRecordsOf("Contact"));
    }

    [Fact]
    public async Task BatchDeleteAsync_DeletedOrUnknownRecord_CountsItUnchanged()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "a" }], "Contact", Token);
        await context.BatchDeleteAsync([new { id = "a" }], "Contact", Token);

        var result = await context.BatchDeleteAsync([new { id = "a" }, new { id = "unknown" }], "Contact", Token);

        Assert.Equal(new BatchResult(0, 0, 0, 2), result);
        Assert.Null(context.Find("Contact", "unknown"));
    }

    [Fact]
    public async Task BatchSaveAsync_DeletedRecord_CountsItAddedAndMakesItLive()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "a", name = "Ada" }], "Contact", Token);
        await context.BatchDeleteAsync([new { id = "a" }], "Contact", Token);

        var result = await context.BatchSaveAsync([new { id = "a", name = "Ada" }], "Contact", Token);

        Assert.Equal(new BatchResult(1, 0, 0, 0), result);
        Assert.False(context.Find("Contact", "a")!.IsDeleted);
    }

    [Fact]
    public async Task BatchSaveAsync_RepeatedIdInOneCall_KeepsTheFirstOccurrence()
    {
        var context = new TestSyncContext(["Contact"]);

        var result = await context.BatchSaveAsync([new { id = "a", name = "first" }, new { id = "a", name = "second" }], "Contact", Token);

        Assert.Equal(new BatchResult(1, 0, 0, 0), result);
        Assert.Equal("first", context.Find("Contact", "a")!.Payload["name"]!.GetValue<string>());
        Assert.Equal(2, context.LargestBatch);
    }

    [Fact]
    public async Task BatchSaveAsync_NumericId_IsStoredAsAString()
    {
        var context = new TestSyncContext(["Contact"]);

        await context.BatchSaveAsync([new { id = 42, name = "Ada" }], "Contact", Token);

        Assert.Equal("""{"id":"42","name":"Ada"}""", context.Find("Contact", "42")!.Json);
    }

    [Fact]
    public async Task BatchSaveAsync_IdWithNulCharacters_IsStoredWithoutThem()
    {
        var context = new TestSyncContext(["Contact"]);

        await context.BatchSaveAsync([new { id = "a\0b" }], "Contact", Token);

        Assert.NotNull(context.Find("Contact", "ab"));
    }

    [Fact]
    public async Task BatchSaveAsync_UndeclaredModel_ThrowsAndStoresNothing()
    {
        var context = new TestSyncContext(["Contact"]);

        await Assert.ThrowsAsync<InvalidRecordsException>(
            () => context.BatchSaveAsync([new { id = "a" }], "Deal", Token));

        Assert.Empty(context.RecordsOf("Deal"));
        Assert.Equal(0, context.SaveCalls);
    }

    [Theory]
    [InlineData("""{"name":"no id"}""")]
    [InlineData("""{"id":""}""")]
    [InlineData("""{"id":null}""")]
    [InlineData("""{"id":true}""")]
    public async Task BatchSaveAsync_RecordWithoutAValidId_ThrowsAndAppliesNothingOfTheCall(string invalid)
    {
        var context = new TestSyncContext(["Contact"]);
        JsonObject[] records = [new JsonObject { ["id"] = "fine" }, (JsonObject)JsonNode.Parse(invalid)!];

        var exception = await Assert.ThrowsAsync<InvalidRecordsException>(() => context.BatchSaveAsync(records, "Contact", Token));

        Assert.Contains("Record 1", exception.Message, StringComparison.Ordinal);
        Assert.Empty(context.RecordsOf("Contact"));
    }

    [Fact]
    public async Task BatchSaveAsync_IdLongerThan255Characters_Throws()
    {
        var context = new TestSyncContext(["Contact"]);

        await Assert.ThrowsAsync<InvalidRecordsException>(
            () => context.BatchSaveAsync([new { id = new string('x', 256) }], "Contact", Token));
    }

    [Fact]
    public async Task BatchUpdateAsync_LiveRecord_MergesObjectsDeeplyAndReplacesArrays()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync(
            [JsonNode.Parse("""{"id":"a","address":{"city":"Oslo","zip":"0150"},"tags":["x","y"]}""")!.AsObject()], "Contact", Token);

        var result = await context.BatchUpdateAsync(
            [JsonNode.Parse("""{"id":"a","address":{"city":"Bergen"},"tags":["z"]}""")!.AsObject()], "Contact", Token);

        Assert.Equal(new BatchResult(0, 1, 0, 0), result);
        Assert.Equal("""{"id":"a","address":{"city":"Bergen","zip":"0150"},"tags":["z"]}""", context.Find("Contact", "a")!.Json);
    }

    [Fact]
    public async Task BatchUpdateAsync_UnknownDeletedOrIdenticalRecord_ChangesNothing()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "a", name = "Ada" }, new { id = "b", name = "Bo" }], "Contact", Token);
        await context.BatchDeleteAsync([new { id = "b" }], "Contact", Token);

        var result = await context.BatchUpdateAsync(
            [new { id = "a", name = "Ada" }, new { id = "b", name = "Bob" }, new { id = "c", name = "Cy" }], "Contact", Token);

        Assert.Equal(new BatchResult(0, 0, 0, 3), result);
        Assert.Equal("Bo", context.Find("Contact", "b")!.Payload["name"]!.GetValue<string>());
        Assert.Null(context.Find("Contact", "c"));
    }

    [Fact]
    public async Task SaveCheckpointAsync_FlatValues_RoundTripAsACopy()
    {
        var context = new TestSyncContext(["Contact"]);
        var checkpoint = new JsonObject { ["page"] = 3, ["cursor"] = "abc", ["done"] = false };

        await context.SaveCheckpointAsync(checkpoint, Token);
        checkpoint["page"] = 4;
        var read = await context.GetCheckpointAsync(Token);
        read!["page"] = 5;

        Assert.Equal(3, context.StoredCheckpoint!["page"]!.GetValue<int>());
        Assert.Equal(1, context.CheckpointSaves);
        Assert.Equal(1, context.CheckpointReads);
    }

    [Theory]
    [InlineData("""{"nested":{"a":1}}""")]
    [InlineData("""{"list":[1]}""")]
    [InlineData("""{"nothing":null}""")]
    [InlineData("""{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16}""")]
    public async Task SaveCheckpointAsync_NotASmallFlatObject_ThrowsAndKeepsThePreviousOne(string json)
    {
        var context = new TestSyncContext(["Contact"]);
        await context.SaveCheckpointAsync(new JsonObject { ["page"] = 1 }, Token);

        await Assert.ThrowsAsync<InvalidRecordsException>(
            () => context.SaveCheckpointAsync(JsonNode.Parse(json)!.AsObject(), Token));

        Assert.Equal(1, context.StoredCheckpoint!["page"]!.GetValue<int>());
    }

    [Fact]
    public async Task SaveCheckpointAsync_DateValue_IsStoredAsAnIsoString()
    {
        var context = new TestSyncContext(["Contact"]);

        await context.SaveCheckpointAsync(
            new JsonObject { ["since"] = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)) }, Token);

        Assert.Equal("2026-03-01T10:00:00.000Z", context.StoredCheckpoint!["since"]!.GetValue<string>());
    }

    [Fact]
    public async Task SaveCheckpointAsync_KeyLongerThan255Characters_Throws()
    {
        var context = new TestSyncContext(["Contact"]);

        await Assert.ThrowsAsync<InvalidRecordsException>(
            () => context.SaveCheckpointAsync(new JsonObject { [new string('k', 256)] = 1 }, Token));
    }

    [Fact]
    public async Task SaveCheckpointAsync_StringLongerThan4000Characters_Throws()
    {
        var context = new TestSyncContext(["Contact"]);

        await Assert.ThrowsAsync<InvalidRecordsException>(
            () => context.SaveCheckpointAsync(new JsonObject { ["cursor"] = new string('x', 4001) }, Token));
    }

    [Fact]
    public async Task ClearCheckpointAsync_StoredCheckpoint_RemovesIt()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.SaveCheckpointAsync(new JsonObject { ["page"] = 1 }, Token);

        await context.ClearCheckpointAsync(Token);

        Assert.Null(await context.GetCheckpointAsync(Token));
        Assert.Equal(1, context.CheckpointClears);
    }

    [Fact]
    public void Metadata_ChangedByTheCaller_LeavesTheStoredMetadataAlone()
    {
        var context = new TestSyncContext(["Contact"], new JsonObject { ["records"] = 5 });

        context.Metadata["records"] = 6;

        Assert.Equal(5, context.Metadata["records"]!.GetValue<int>());
    }

    [Fact]
    public async Task Http_AnyRequest_IsRefused()
    {
        var context = new TestSyncContext(["Contact"]);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => context.Http.GetAsync(new Uri("https://example.com/"), Token));
    }

    [Fact]
    public async Task StartNextRun_AfterWrites_ZeroesCountsAndKeepsRecordsAndCheckpoint()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "a" }], "Contact", Token);
        await context.SaveCheckpointAsync(new JsonObject { ["page"] = 2 }, Token);

        context.StartNextRun();

        Assert.Equal(0, context.WriteCalls);
        Assert.Equal(0, context.CheckpointSaves);
        Assert.Equal(BatchResult.Empty, context.ChangesOf("Contact"));
        Assert.Single(context.RecordsOf("Contact"));
        Assert.Equal(2, (int)context.StoredCheckpoint!["page"]!);
        Assert.Equal("2", context.RunId);
    }

    [Fact]
    public async Task WhenWriteCallsReachAsync_CompletesOnceThatManyWritesHappened()
    {
        var context = new TestSyncContext(["Contact"]);
        var waiting = context.WhenWriteCallsReachAsync(2, Token);

        await context.BatchSaveAsync([new { id = "a" }], "Contact", Token);
        Assert.False(waiting.IsCompleted);
        await context.BatchDeleteAsync([new { id = "a" }], "Contact", Token);

        await waiting;
        Assert.True(context.WhenWriteCallsReachAsync(1, Token).IsCompleted);
    }
}
