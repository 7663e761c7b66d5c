using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Records;

/// <summary><c>GET /records</c> over HTTP on both databases: every query parameter, the metadata and our fixes.</summary>
public sealed class GetRecordsTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static JsonObject Ticket(string id, string title) => new() { ["id"] = id, ["title"] = title };

    private static List<string?> Ids(IEnumerable<JsonNode> records) => [.. records.Select(r => (string?)r["id"])];

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_WithTrailingSlash_ReturnsPayloadsWithStringIdsAndMicrosecondMetadata(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([new JsonObject { ["id"] = 7, ["title"] = "numeric" }, Ticket("b", "x")], "Ticket", ct), Token);

        var page = await s.GetAsync("records/?model=Ticket", Token);
        var first = page!["records"]![0]!;
        var metadata = first["_nango_metadata"]!;

        Assert.Null((string?)page["next_cursor"]);
        Assert.Equal(2, page["records"]!.AsArray().Count);
        Assert.Equal("7", (string?)first["id"]);
        Assert.Equal("numeric", (string?)first["title"]);
        Assert.Equal("ADDED", (string?)metadata["last_action"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,5}[1-9])?\+00:00$", (string?)metadata["first_seen_at"]);
        Assert.Equal((string?)metadata["first_seen_at"], (string?)metadata["last_modified_at"]);
        Assert.Null((string?)metadata["deleted_at"]);
        Assert.Null((string?)metadata["pruned_at"]);
        Assert.False(string.IsNullOrEmpty((string?)metadata["cursor"]));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_LimitPagesWithNextCursorAndResumesStrictlyAfterIt(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([.. Enumerable.Range(0, 7).Select(i => Ticket($"t{i}", "x"))], "Ticket", ct), Token);

        var first = await s.GetAsync("records?model=Ticket&limit=3", Token);
        var second = await s.GetAsync($"records?model=Ticket&limit=3&cursor={Uri.EscapeDataString((string)first!["next_cursor"]!)}", Token);
        var all = await s.ReadAllAsync("model=Ticket", Token, limit: 2);
        var exact = await s.GetAsync("records?model=Ticket&limit=7", Token);

        Assert.Equal(["t0", "t1", "t2"], Ids(first["records"]!.AsArray().Select(r => r!)));
        Assert.Equal(["t3", "t4", "t5"], Ids(second!["records"]!.AsArray().Select(r => r!)));
        Assert.Equal([.. Enumerable.Range(0, 7).Select(i => $"t{i}")], Ids(all));
        Assert.Null((string?)exact!["next_cursor"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_UnchangedSaveDoesNotMoveTheCursor_ChangedSaveDoes(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("a", "1"), Ticket("b", "1")], "Ticket", ct), Token);
        var cursor = (string)(await s.GetAsync("records?model=Ticket", Token))!["records"]![1]!["_nango_metadata"]!["cursor"]!;

        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("a", "1"), Ticket("b", "2")], "Ticket", ct), Token);
        var changes = await s.GetAsync($"records?model=Ticket&cursor={Uri.EscapeDataString(cursor)}", Token);

        var change = Assert.Single(changes!["records"]!.AsArray());
        Assert.Equal("b", (string?)change!["id"]);
        Assert.Equal("UPDATED", (string?)change["_nango_metadata"]!["last_action"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_ModifiedAfterAndDelta_AreInclusiveToTheMicrosecondAndAcceptOffsets(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("old", "1")], "Ticket", ct), Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("new", "1")], "Ticket", ct), Token);
        var all = await s.ReadAllAsync("model=Ticket", Token);
        var modified = DateTimeOffset.Parse((string)all[1]["_nango_metadata"]!["last_modified_at"]!, CultureInfo.InvariantCulture);
        string Query(string key, DateTimeOffset at, TimeSpan offset) =>
            $"records?model=Ticket&{key}={Uri.EscapeDataString(at.ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture))}";

        var inclusive = await s.GetAsync(Query("modified_after", modified, TimeSpan.Zero), Token);
        var withOffset = await s.GetAsync(Query("modified_after", modified, TimeSpan.FromHours(-5)), Token);
        var oneMicroLater = await s.GetAsync(Query("modified_after", modified.AddTicks(10), TimeSpan.FromHours(2)), Token);
        var delta = await s.GetAsync(Query("delta", modified, TimeSpan.FromHours(9)), Token);
        var zulu = await s.GetAsync($"records?model=Ticket&modified_after={modified.AddTicks(-10).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}", Token);

        Assert.Equal(["new"], Ids(inclusive!["records"]!.AsArray().Select(r => r!)));
        Assert.Equal(["new"], Ids(withOffset!["records"]!.AsArray().Select(r => r!)));
        Assert.Empty(oneMicroLater!["records"]!.AsArray());
        Assert.Equal(["new"], Ids(delta!["records"]!.AsArray().Select(r => r!)));
        Assert.Equal(["new"], Ids(zulu!["records"]!.AsArray().Select(r => r!)));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_Ids_ReturnsOnlyThoseIdsInCursorOrder(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("a", "1"), Ticket("b", "1"), Ticket("c", "1"), Ticket("d", "1")], "Ticket", ct), Token);

        var several = await s.GetAsync("records?model=Ticket&ids=d&ids=b&ids=unknown", Token);
        var one = await s.GetAsync("records?model=Ticket&ids=c", Token);

        Assert.Equal(["b", "d"], Ids(several!["records"]!.AsArray().Select(r => r!)));
        Assert.Equal(["c"], Ids(one!["records"]!.AsArray().Select(r => r!)));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_Filters_AnyCaseAndCombinedFiltersAreTheUnionDeletedIncluded(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("added", "1"), Ticket("updated", "1"), Ticket("deleted", "1")], "Ticket", ct), Token);
        await s.RunAsync(
            async (c, ct) =>
            {
                await c.BatchSaveAsync([Ticket("updated", "2")], "Ticket", ct);
                await c.BatchDeleteAsync([Ticket("deleted", "1")], "Ticket", ct);
            },
            Token);
        async Task<List<string?>> FilterAsync(string filter) =>
            [.. Ids(await s.ReadAllAsync($"model=Ticket&filter={filter}", Token)).Order(StringComparer.Ordinal)];

        Assert.Equal(["added"], await FilterAsync("added"));
        Assert.Equal(["updated"], await FilterAsync("UPDATED"));
        Assert.Equal(["deleted"], await FilterAsync("Deleted"));
        Assert.Equal(["deleted", "updated"], await FilterAsync("updated,deleted"));
        Assert.Equal(["added", "deleted"], await FilterAsync("added,DELETED"));
        Assert.Equal(["added", "updated"], await FilterAsync("added,updated"));
        Assert.Equal(["added", "deleted", "updated"], await FilterAsync("added,updated,deleted"));
        var deleted = Assert.Single(await s.ReadAllAsync("model=Ticket&filter=deleted", Token));
        Assert.Equal("DELETED", (string?)deleted["_nango_metadata"]!["last_action"]);
        Assert.NotNull((string?)deleted["_nango_metadata"]!["deleted_at"]);
        Assert.Equal("1", (string?)deleted["title"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_Variant_ReadsTheVariantsOwnRecords(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.Server.Client.SendAsync(
            HttpMethod.Post,
            "sync/scripted/variant/eu",
            new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "acme" },
            null,
            Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("base-1", "1")], "Ticket", ct), Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket($"{c.Variant}-1", "1"), Ticket($"{c.Variant}-2", "1")], "Ticket", ct), Token, sync: "scripted::eu");

        var variant = await s.ReadAllAsync("model=Ticket&variant=eu", Token);
        var explicitBase = await s.ReadAllAsync("model=Ticket&variant=base", Token);
        var implicitBase = await s.ReadAllAsync("model=Ticket", Token);

        Assert.Equal(["eu-1", "eu-2"], Ids(variant));
        Assert.Equal(["base-1"], Ids(explicitBase));
        Assert.Equal(["base-1"], Ids(implicitBase));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_MalformedCursorOrUnknownConnection_Is400(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);

        var badCursor = await Assert.ThrowsAsync<TributaryApiException>(() => s.GetAsync("records?model=Ticket&cursor=bm90LWEtY3Vyc29y", Token));
        var notBase64 = await Assert.ThrowsAsync<TributaryApiException>(() => s.GetAsync("records?model=Ticket&cursor=%25%25%25", Token));
        var unknown = await Assert.ThrowsAsync<TributaryApiException>(() => s.Server.Client.SendAsync(
            HttpMethod.Get, "records?model=Ticket", null, new() { ["Connection-Id"] = "nobody", ["Provider-Config-Key"] = "demo" }, Token));

        Assert.Equal((400, "invalid_cursor"), (badCursor.Status, badCursor.Code));
        Assert.Equal((400, "invalid_cursor"), (notBase64.Status, notBase64.Code));
        Assert.Equal((400, "unknown_connection"), (unknown.Status, unknown.Code));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_RightAfterTheConnectionIsDeleted_IsUnknownConnection_NotACachedEmptyPage(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("a", "1")], "Ticket", ct), Token);
        Assert.Single((await s.GetAsync("records?model=Ticket", Token))!["records"]!.AsArray()); // the connection is now cached for reads

        await s.Server.Client.SendAsync(HttpMethod.Delete, "connections/acme?provider_config_key=demo", null, null, Token);
        var gone = await Assert.ThrowsAsync<TributaryApiException>(() => s.GetAsync("records?model=Ticket", Token));

        Assert.Equal((400, "unknown_connection"), (gone.Status, gone.Code));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task GetRecords_DeletedThenSavedAgain_IsAddedWithANewFirstSeenAt(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("a", "1")], "Ticket", ct), Token);
        var firstSeen = (string?)(await s.ReadAllAsync("model=Ticket", Token))[0]["_nango_metadata"]!["first_seen_at"];
        await s.RunAsync((c, ct) => c.BatchDeleteAsync([Ticket("a", "1")], "Ticket", ct), Token);
        await s.RunAsync((c, ct) => c.BatchSaveAsync([Ticket("a", "1")], "Ticket", ct), Token);

        var record = Assert.Single(await s.ReadAllAsync("model=Ticket", Token));

        Assert.Equal("ADDED", (string?)record["_nango_metadata"]!["last_action"]);
        Assert.NotEqual(firstSeen, (string?)record["_nango_metadata"]!["first_seen_at"]);
        Assert.Null((string?)record["_nango_metadata"]!["deleted_at"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task SyncStatus_ShowsTheCheckpointTheRunSaved_AndNullOnceCleared(TestDialect dialect)
    {
        await using var s = await RecordsServer.StartAsync(dialect, Token);
        await s.RunAsync((c, ct) => c.SaveCheckpointAsync(new JsonObject { ["page"] = 3, ["cursor"] = "abc" }, ct), Token);
        var saved = await s.Server.Client.StatusAsync("demo", "scripted", "acme", Token);
        await s.RunAsync((c, ct) => c.ClearCheckpointAsync(ct), Token);
        var cleared = await s.Server.Client.StatusAsync("demo", "scripted", "acme", Token);

        Assert.Equal(3, (int)saved!["syncs"]![0]!["checkpoint"]!["page"]!);
        Assert.Equal("abc", (string?)saved["syncs"]![0]!["checkpoint"]!["cursor"]);
        Assert.Null(cleared!["syncs"]![0]!["checkpoint"]);
    }
}
