using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tributary.Sdk;

namespace Tributary.Sdk.Testing.Tests;

/// <summary>The records-cache behaviour beyond single writes: metadata, reads, deletion windows, strategies, seeding, HTTP.</summary>
public sealed class TestSyncContextCacheTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Find_AfterSaveUpdateAndDelete_ReportsTheCachesLastActionAndAMovingCursor()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "a", name = "Ada" }], "Contact", Token);
        var added = context.Find("Contact", "a")!.Metadata;
        await context.BatchSaveAsync([new { id = "a", name = "Ada L." }], "Contact", Token);
        var updated = context.Find("Contact", "a")!.Metadata;
        await context.BatchDeleteAsync([new { id = "a" }], "Contact", Token);
        var deleted = context.Find("Contact", "a")!.Metadata;

        Assert.Equal(RecordAction.Added, added.LastAction);
        Assert.Equal(RecordAction.Updated, updated.LastAction);
        Assert.Equal(RecordAction.Deleted, deleted.LastAction);
        Assert.Equal(TestSyncContext.DefaultStart, deleted.DeletedAt);
        Assert.Equal(3, new[] { added.Cursor, updated.Cursor, deleted.Cursor }.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task ListRecordsAsync_WithACursor_ListsOnlyLaterChangesInChangeOrder()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "b" }, new { id = "a" }, new { id = "c" }], "Contact", Token);
        await context.BatchDeleteAsync([new { id = "b" }], "Contact", Token);

        var all = await ListAsync(context, null);
        var rest = await ListAsync(context, all[0].Metadata.Cursor);

        Assert.Equal(["a", "c", "b"], all.Select(r => r.Id));
        Assert.Equal(["c", "b"], rest.Select(r => r.Id));
        Assert.Equal(RecordAction.Deleted, all[^1].Metadata.LastAction);
    }

    [Fact]
    public async Task ListRecordsAsync_CursorTheCacheDidNotIssue_ThrowsArgumentException()
    {
        var context = new TestSyncContext(["Contact"]);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ListAsync(context, "not-a-cursor"));

        Assert.StartsWith("'not-a-cursor' is not a records cursor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRecordsByIdsAsync_StoredDeletedAndUnknownIds_ReturnsTheStoredOnesOnce()
    {
        var context = new TestSyncContext(["Contact"]);
        await context.BatchSaveAsync([new { id = "a" }, new { id = "b" }], "Contact", Token);
        await context.BatchDeleteAsync([new { id = "b" }], "Contact", Token);

        var found = await context.GetRecordsByIdsAsync(["a", "b", "a", "x"], "Contact", Token);

        Assert.Equal(["a", "b"], found.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(RecordAction.Deleted, found["b"].Metadata.LastAction);
    }

    [Fact]
    public async Task TrackDeletesEndAsync_WindowOpenedInAnEarlierRun_DeletesWhatNoRunSavedSince()
    {
        var context = new TestSyncContext(["Contact"]);
        context.SeedRecords([new { id = "a" }, new { id = "b" }, new { id = "c" }], "Contact");
        await context.TrackDeletesStartAsync("Contact", Token);
        await context.BatchSaveAsync([new { id = "a" }], "Contact", Token);
        context.StartNextRun();
        await context.TrackDeletesStartAsync("Contact", Token);
        await context.BatchSaveAsync([new { id = "b" }], "Contact", Token);

        var deleted = await context.TrackDeletesEndAsync("Contact", Token);

        Assert.Equal(["c"], deleted);
        Assert.Equal(["a", "b"], context.LiveRecordsOf("Contact").Select(r => r.Id));
        Assert.Equal(new BatchResult(0, 0, 1, 1), context.ChangesOf("Contact"));
        Assert.Empty(context.OpenDeletionWindows);
    }

    [Fact]
    public async Task TrackDeletesEndAsync_NoWindowOpen_ThrowsAndDeletesNothing()
    {
        var context = new TestSyncContext(["Contact"]);
        context.SeedRecords([new { id = "a" }], "Contact");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.TrackDeletesEndAsync("Contact", Token));

        Assert.Contains("call TrackDeletesStartAsync before TrackDeletesEndAsync", error.Message, StringComparison.Ordinal);
        Assert.Single(context.LiveRecordsOf("Contact"));
    }

    [Fact]
    public async Task SetMergingStrategyAsync_IgnoreIfModifiedAfter_SkipsRecordsAnotherRunChangedButNotItsOwn()
    {
        var context = new TestSyncContext(["Contact"]);
        context.SeedRecords([new { id = "a", name = "old" }], "Contact");
        await context.SetMergingStrategyAsync(MergingStrategy.IgnoreIfModifiedAfter, "Contact", Token);
        context.SeedRecords([new { id = "a", name = "from a webhook" }], "Contact");
        await context.BatchSaveAsync([new { id = "b", name = "mine" }], "Contact", Token);

        var result = await context.BatchSaveAsync([new { id = "a", name = "stale" }, new { id = "b", name = "mine again" }], "Contact", Token);

        Assert.Equal(new BatchResult(0, 1, 0, 1), result);
        Assert.Equal("from a webhook", (string?)context.Find("Contact", "a")!.Payload["name"]);
        Assert.Equal("mine again", (string?)context.Find("Contact", "b")!.Payload["name"]);
    }

    [Fact]
    public async Task SetMergingStrategyAsync_SecondCallInARun_IsLoggedAndIgnored()
    {
        var context = new TestSyncContext(["Contact"]);

        await context.SetMergingStrategyAsync(MergingStrategy.IgnoreIfModifiedAfter, "Contact", Token);
        await context.SetMergingStrategyAsync(MergingStrategy.Override, "Contact", Token);

        Assert.Equal(MergingStrategy.IgnoreIfModifiedAfter, context.MergingStrategies["Contact"]);
        Assert.Contains(context.LogEntries, e => e.Level == LogLevel.Warning && e.Message.Contains("already set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeedRecords_BeforeARun_AreStoredButNotCountedAsTheRunsChanges()
    {
        var context = new TestSyncContext(["Contact"]);

        context.SeedRecords([new { id = 7, name = "Ada" }], "Contact");
        var result = await context.BatchSaveAsync([new { id = "7", name = "Ada" }], "Contact", Token);

        Assert.Equal(new BatchResult(0, 0, 0, 1), result);
        Assert.Equal(0, context.ChangesOf("Contact").Added);
        Assert.Equal("""{"id":"7","name":"Ada"}""", context.Find("Contact", "7")!.Json);
    }

    [Fact]
    public void StoredCheckpoint_SeededWithANestedObject_IsRefusedByTheCheckpointRules()
    {
        var context = new TestSyncContext(["Contact"]);

        Assert.Throws<InvalidRecordsException>(() => context.StoredCheckpoint = new JsonObject { ["page"] = new JsonObject() });
    }

    [Fact]
    public async Task Http_WithAHandler_SendsProviderCallsToIt()
    {
        using var handler = new StubHandler();
        var context = new TestSyncContext(["Contact"]) { HttpHandler = handler, HttpBaseAddress = new Uri("https://api.example.com/") };

        using var response = await context.Http.GetAsync(new Uri("contacts?page=2", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("https://api.example.com/contacts?page=2", handler.Requests.Single().ToString());
    }

    private static async Task<List<CachedRecord>> ListAsync(TestSyncContext context, string? cursor)
    {
        var records = new List<CachedRecord>();
        await foreach (var record in context.ListRecordsAsync("Contact", cursor, Token))
        {
            records.Add(record);
        }

        return records;
    }

    private sealed class StubHandler : HttpMessageHandler
    {
        public List<Uri> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // HttpClient always sends with an absolute request URI.
            Requests.Add(request.RequestUri!);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]") });
        }
    }
}
