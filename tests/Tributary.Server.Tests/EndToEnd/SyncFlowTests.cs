using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.EndToEnd;

/// <summary>
/// The whole path through real HTTP on both databases: create a connection, trigger, the run completes, records
/// are readable, a second run reports only changes, a reset makes the next run a full one.
/// </summary>
public sealed class SyncFlowTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string> NoHeaders = [];

    internal static async Task<List<JsonNode>> ReadAllRecordsAsync(TestServer server, string connectionId, string model, string? filter = null, int limit = 7)
    {
        var all = new List<JsonNode>();
        string? cursor = null;
        while (true)
        {
            var path = $"records?model={model}&limit={limit}"
                + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}")
                + (filter is null ? string.Empty : $"&filter={filter}");
            var page = await server.Client.SendAsync(HttpMethod.Get, path, null, new() { ["Connection-Id"] = connectionId, ["Provider-Config-Key"] = "demo" }, Token);
            all.AddRange(page!["records"]!.AsArray().Select(r => r!));
            cursor = (string?)page["next_cursor"];
            if (cursor is null)
            {
                return all;
            }
        }
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_CreateRunReadChangeReset_BehavesLikeNangoWithOurFixes(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 30, ["change_rate"] = 0.2 }, Token);

        var firstRun = await server.WaitForRunAsync(await server.TriggerAsync("acme", "contacts", Token), Token);
        var contacts = await ReadAllRecordsAsync(server, "acme", "Contact");

        Assert.Equal("succeeded", (string?)firstRun["state"]);
        Assert.Equal(30, (int)firstRun["result"]!["Contact"]!["added"]!);
        Assert.Equal(30, contacts.Count);
        Assert.Equal(30, contacts.Select(c => (string?)c["id"]).Distinct().Count());
        Assert.All(contacts, c => Assert.Equal("ADDED", (string?)c["_nango_metadata"]!["last_action"]));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,5}[1-9])?\+00:00$", (string?)contacts[0]["_nango_metadata"]!["first_seen_at"]);

        // Nango's deprecated type: a job is INCREMENTAL when its config is and the sync had synced before it started.
        var afterFirst = await server.Client.StatusAsync("demo", "contacts", "acme", Token);
        Assert.Equal("INITIAL", (string?)afterFirst!["syncs"]![0]!["type"]);

        var lastCursor = (string?)contacts[^1]["_nango_metadata"]!["cursor"];
        var secondRun = await server.WaitForRunAsync(await server.TriggerAsync("acme", "contacts", Token), Token);
        var changes = await server.Client.SendAsync(
            HttpMethod.Get,
            $"records?model=Contact&cursor={Uri.EscapeDataString(lastCursor!)}&limit=1000",
            null,
            new() { ["Connection-Id"] = "acme", ["Provider-Config-Key"] = "demo" },
            Token);
        var changed = changes!["records"]!.AsArray();
        var secondResult = secondRun["result"]!["Contact"]!;
        var changedCount = (int)secondResult["added"]! + (int)secondResult["updated"]! + (int)secondResult["deleted"]!;

        Assert.InRange(changedCount, 1, 29);
        Assert.Equal(changedCount, changed.Count);
        Assert.DoesNotContain(changed, r => (string?)r!["_nango_metadata"]!["last_action"] == "ADDED" && contacts.Any(c => (string?)c["id"] == (string?)r["id"]));

        var status = await server.Client.StatusAsync("demo", "contacts", "acme", Token);
        Assert.Equal(1, (int)status!["syncs"]![0]!["checkpoint"]!["generation"]!);
        Assert.Equal("INCREMENTAL", (string?)status["syncs"]![0]!["type"]);

        var resetRun = await server.WaitForRunAsync(await server.TriggerAsync("acme", "contacts", Token, reset: true), Token);
        var afterReset = await server.Client.StatusAsync("demo", "contacts", "acme", Token);

        Assert.True((bool)resetRun["reset"]!);
        Assert.Equal("succeeded", (string?)resetRun["state"]);
        Assert.Equal(0, (int)afterReset!["syncs"]![0]!["checkpoint"]!["generation"]!);
        Assert.Equal("SUCCESS", (string?)afterReset["syncs"]![0]!["latestExecutionStatus"]);
        Assert.Equal("INITIAL", (string?)afterReset["syncs"]![0]!["type"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_WithResetAndEmptyCache_DeletesTheCacheOnceBeforeTheRunWrites(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 10, ["change_rate"] = 0 }, Token);
        await server.WaitForRunAsync(await server.TriggerAsync("acme", "contacts", Token), Token);
        var before = await ReadAllRecordsAsync(server, "acme", "Contact");

        var run = await server.WaitForRunAsync(await server.TriggerAsync("acme", "contacts", Token, reset: true, emptyCache: true), Token);
        var after = await ReadAllRecordsAsync(server, "acme", "Contact");

        Assert.True((bool)run["empty_cache"]!);
        Assert.Equal(10, (int)run["result"]!["Contact"]!["added"]!);
        Assert.Equal(10, after.Count);
        Assert.All(after, r => Assert.True(
            string.CompareOrdinal((string?)r["_nango_metadata"]!["first_seen_at"], (string?)before[^1]["_nango_metadata"]!["last_modified_at"]) > 0));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_OnPausedSync_RunsOnceAndLeavesItPaused(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);

        var run = await server.WaitForRunAsync(await server.TriggerAsync("acme", "deals", Token), Token);
        var status = await server.Client.StatusAsync("demo", "deals", "acme", Token);

        Assert.Equal("succeeded", (string?)run["state"]);
        Assert.Equal("PAUSED", (string?)status!["syncs"]![0]!["status"]);
        Assert.Null(status["syncs"]![0]!["nextScheduledSyncAt"]);
        Assert.Equal(20, (int)status["syncs"]![0]!["recordCount"]!["Deal"]!);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_WhileRunning_QueuesAFollowUpAndResetRestartsTheRun(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("slow", new JsonObject { ["records"] = 400, ["batch_size"] = 10, ["delay_ms_per_batch"] = 50 }, Token);
        var firstId = await server.TriggerAsync("slow", "deals", Token);
        await WaitForStateAsync(server, firstId, "running");

        var followUp = await server.Client.TriggerAsync(Body("slow", "deals"), Token);
        var coalesced = await server.Client.TriggerAsync(Body("slow", "deals"), Token);
        var restart = await server.Client.TriggerAsync(Body("slow", "deals", reset: true), Token);

        Assert.Equal("queued", (string?)followUp!["runs"]![0]!["outcome"]);
        Assert.NotEqual(firstId, (string?)followUp["runs"]![0]!["run_id"]);
        Assert.Equal("coalesced", (string?)coalesced!["runs"]![0]!["outcome"]);
        Assert.Equal((string?)followUp["runs"]![0]!["run_id"], (string?)coalesced["runs"]![0]!["run_id"]);
        Assert.Equal("restarted", (string?)restart!["runs"]![0]!["outcome"]);
        var first = await server.WaitForRunAsync(firstId, Token);
        Assert.Equal("cancelled", (string?)first["state"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Pause_WhileRunning_StopsTheRunAndRecordsWhy(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("slow", new JsonObject { ["records"] = 400, ["batch_size"] = 10, ["delay_ms_per_batch"] = 50 }, Token);
        var runId = await server.TriggerAsync("slow", "deals", Token);
        await WaitForStateAsync(server, runId, "running");

        await server.Client.SendAsync(HttpMethod.Post, "sync/pause", new JsonObject
        {
            ["provider_config_key"] = "demo",
            ["connection_id"] = "slow",
            ["syncs"] = new JsonArray("deals"),
        }, NoHeaders, Token);
        var run = await server.WaitForRunAsync(runId, Token);

        Assert.Equal("cancelled", (string?)run["state"]);
        Assert.Contains("paused", (string?)run["error"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Trigger_WithoutConnection_FansOutToEveryConnectionInOneBatchAndRepeatsCoalesce(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, engine: e => e.RunWorkers = false);
        for (var i = 0; i < 150; i++)
        {
            await server.CreateConnectionAsync($"c{i}", null, Token);
        }

        var body = new JsonObject { ["provider_config_key"] = "demo", ["syncs"] = new JsonArray("deals") };
        var first = await server.Client.TriggerAsync(body, Token);
        var again = await server.Client.TriggerAsync((JsonObject)body.DeepClone(), Token);
        var batch = await server.Client.SendAsync(HttpMethod.Get, $"runs?batch_id={(string?)first!["batch_id"]}&limit=1000", null, NoHeaders, Token);

        Assert.Equal(150, (int)first["counts"]!["queued"]!);
        Assert.Null(first["runs"]);
        Assert.Equal(150, (int)again!["counts"]!["coalesced"]!);
        Assert.Equal(0, (int)again["counts"]!["queued"]!);
        Assert.Equal(150, batch!["runs"]!.AsArray().Count);
    }

    internal static JsonObject Body(string connectionId, string sync, bool reset = false)
    {
        var body = new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = connectionId, ["syncs"] = new JsonArray(sync) };
        if (reset)
        {
            body["opts"] = new JsonObject { ["reset"] = true };
        }

        return body;
    }

    internal static async Task WaitForStateAsync(TestServer server, string runId, string state) =>
        await Eventually.ValueAsync(
            token => server.Client.GetRunAsync(runId, token),
            run => (string?)run?["state"] == state,
            TimeSpan.FromSeconds(30),
            $"run {runId} to be {state}",
            Token,
            TimeSpan.FromMilliseconds(20));
}
