using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Server.Tests.Api;
using Tributary.Testing;

namespace Tributary.Server.Tests.Records;

/// <summary><c>PATCH /records/prune</c> over HTTP on both databases.</summary>
public sealed class PruneRecordsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static JsonObject Ticket(string id, string title) => new() { ["id"] = id, ["title"] = title };

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Prune_UntilCursor_EmptiesPayloadsInBatchesKeepingMetadataAndCursors(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([.. Enumerable.Range(0, 5).Select(i => Ticket($"t{i}", "payload"))], "Ticket", ct), Token);
        var before = await s.ReadAllAsync("model=Ticket", Token);
        var until = (string)before[2]["_nango_metadata"]!["cursor"]!;

        var first = await s.PruneAsync(new JsonObject { ["model"] = "Ticket", ["until_cursor"] = until, ["limit"] = 2 }, Token);
        var second = await s.PruneAsync(new JsonObject { ["model"] = "Ticket", ["until_cursor"] = until, ["limit"] = 2 }, Token);
        var after = await s.ReadAllAsync("model=Ticket", Token);

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["count"] = 2, ["has_more"] = true }, first));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["count"] = 1, ["has_more"] = false }, second));
        Assert.Equal(before.Select(r => (string?)r["_nango_metadata"]!["cursor"]), after.Select(r => (string?)r["_nango_metadata"]!["cursor"]));
        foreach (var pruned in after.Take(3))
        {
            Assert.Equal(["id", "_nango_metadata"], pruned.AsObject().Select(p => p.Key));
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,5}[1-9])?\+00:00$", (string?)pruned["_nango_metadata"]!["pruned_at"]);
            Assert.Equal("ADDED", (string?)pruned["_nango_metadata"]!["last_action"]);
        }

        Assert.All(after.Skip(3), r => Assert.Equal("payload", (string?)r["title"]));
        Assert.All(after.Skip(3), r => Assert.Null((string?)r["_nango_metadata"]!["pruned_at"]));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Prune_ThenSaveAgain_RestoresThePayload(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("same", "1"), Ticket("changed", "1")], "Ticket", ct), Token);
        var before = await s.ReadAllAsync("model=Ticket", Token);
        await s.PruneAsync(new JsonObject { ["model"] = "Ticket", ["until_cursor"] = (string)before[^1]["_nango_metadata"]!["cursor"]! }, Token);

        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("same", "1"), Ticket("changed", "2")], "Ticket", ct), Token);
        var after = (await s.ReadAllAsync("model=Ticket", Token)).ToDictionary(r => (string)r["id"]!);

        Assert.Equal("1", (string?)after["same"]["title"]);
        Assert.Null((string?)after["same"]["_nango_metadata"]!["pruned_at"]);
        Assert.Equal((string?)before[0]["_nango_metadata"]!["cursor"], (string?)after["same"]["_nango_metadata"]!["cursor"]);
        Assert.Equal("2", (string?)after["changed"]["title"]);
        Assert.Equal("UPDATED", (string?)after["changed"]["_nango_metadata"]!["last_action"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Prune_Variant_PrunesOnlyThatVariantsRecords(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("a", "1")], "Ticket", ct), Token);
        var cursor = (string)(await s.ReadAllAsync("model=Ticket", Token))[0]["_nango_metadata"]!["cursor"]!;

        var other = await s.PruneAsync(new JsonObject { ["model"] = "Ticket", ["variant"] = "eu", ["until_cursor"] = cursor }, Token);
        var base_ = await s.PruneAsync(new JsonObject { ["model"] = "Ticket", ["variant"] = "base", ["until_cursor"] = cursor }, Token);

        Assert.Equal(0, (int)other!["count"]!);
        Assert.False((bool)other["has_more"]!);
        Assert.Equal(1, (int)base_!["count"]!);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Prune_NeedsTheRecordsWriteScope_ReadingNeedsOnlyRead(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("a", "1")], "Ticket", ct), Token);
        using var reader = await ApiTestServer.ClientWithScopesAsync(s.Server, Token, "environment:records:read");
        using var writer = await ApiTestServer.ClientWithScopesAsync(s.Server, Token, "environment:records:write");
        var body = new JsonObject { ["model"] = "Ticket", ["until_cursor"] = "c2VxOjE=" };

        var read = await reader.SendAsync(HttpMethod.Get, "records?model=Ticket", null, RecordsServer.Headers, Token);
        var forbidden = await Assert.ThrowsAsync<TributaryApiException>(() => reader.SendAsync(HttpMethod.Patch, "records/prune", body, RecordsServer.Headers, Token));
        var pruned = await writer.SendAsync(HttpMethod.Patch, "records/prune", body, RecordsServer.Headers, Token);

        Assert.Single(read!["records"]!.AsArray());
        Assert.Equal((403, "forbidden"), (forbidden.Status, forbidden.Code));
        Assert.Contains("environment:records:write", forbidden.Body, StringComparison.Ordinal);
        Assert.Equal(1, (int)pruned!["count"]!);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Prune_MalformedUntilCursorOrUnknownConnection_Is400(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);

        var badCursor = await Assert.ThrowsAsync<TributaryApiException>(
            () => s.PruneAsync(new JsonObject { ["model"] = "Ticket", ["until_cursor"] = "garbage" }, Token));
        var unknown = await Assert.ThrowsAsync<TributaryApiException>(() => s.Server.Client.SendAsync(
            HttpMethod.Patch,
            "records/prune",
            new JsonObject { ["model"] = "Ticket", ["until_cursor"] = "c2VxOjE=" },
            new() { ["Connection-Id"] = "nobody", ["Provider-Config-Key"] = "demo" },
            Token));

        Assert.Equal((400, "invalid_cursor"), (badCursor.Status, badCursor.Code));
        Assert.Equal((400, "unknown_connection"), (unknown.Status, unknown.Code));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task AnUnknownConnection_IsFoundBeforeABadCursor_OnPruneAndRead(TestDialect dialect)
    {
        // Nango looks the connection up first (its own test: an unknown connection with until_cursor "abc").
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        var nobody = new Dictionary<string, string> { ["Connection-Id"] = "nobody", ["Provider-Config-Key"] = "demo" };

        var prune = await Assert.ThrowsAsync<TributaryApiException>(() => s.Server.Client.SendAsync(
            HttpMethod.Patch, "records/prune", new JsonObject { ["model"] = "Ticket", ["until_cursor"] = "abc" }, nobody, Token));
        var read = await Assert.ThrowsAsync<TributaryApiException>(() => s.Server.Client.SendAsync(
            HttpMethod.Get, "records?model=Ticket&cursor=abc", null, nobody, Token));

        Assert.Equal((400, "unknown_connection"), (prune.Status, prune.Code));
        Assert.Equal((400, "unknown_connection"), (read.Status, read.Code));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Prune_WhenTheUntilRecordMovedOn_AShortBatchStillHasMore_AsNangoAnswers(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("t0", "1"), Ticket("t1", "1"), Ticket("t2", "1")], "Ticket", ct), Token);
        var until = (string)(await s.ReadAllAsync("model=Ticket", Token))[2]["_nango_metadata"]!["cursor"]!;
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("t2", "2")], "Ticket", ct), Token);

        // t2 changed: its cursor is past until_cursor now, so the call prunes t0 and t1, fewer than the limit, and
        // the last pruned is not the cursor's record — Nango's has_more is true; the next call prunes nothing.
        var first = await s.PruneAsync(new JsonObject { ["model"] = "Ticket", ["until_cursor"] = until, ["limit"] = 10 }, Token);
        var second = await s.PruneAsync(new JsonObject { ["model"] = "Ticket", ["until_cursor"] = until, ["limit"] = 10 }, Token);

        Assert.True(JsonNode.DeepEquals(new JsonObject { ["count"] = 2, ["has_more"] = true }, first));
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["count"] = 0, ["has_more"] = false }, second));
    }
}
