using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary><c>POST</c> and <c>DELETE /sync/{name}/variant/{variant}</c> (spec §2.4).</summary>
public sealed class VariantEndpointTests
{
    /// <summary><c>contacts</c> waits to be started; <c>deals</c> starts by itself.</summary>
    private const string Config = """
        integrations:
          demo:
            provider: sample-data
            syncs:
              contacts:
                function: sample-data
                models: [Contact, Company, Deal]
                frequency: every 1h
                auto_start: false
              deals:
                function: sample-data
                models: [Deal]
                frequency: every 1h
                auto_start: true
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Create_NewVariant_AnswersItsIdAndSchedulesItLikeItsConfig(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, config: Config);
        await server.CreateConnectionAsync("acme", null, Token);

        var paused = await CreateAsync(server.Client, "contacts", "v1");
        var started = await CreateAsync(server.Client, "deals", "eu");
        var pausedStatus = await StatusAsync(server.Client, "contacts::v1");
        var startedStatus = await StatusAsync(server.Client, "deals::eu");
        var baseStatus = await StatusAsync(server.Client, "contacts");

        Assert.Equal(["id", "name", "variant"], paused.AsObject().Select(p => p.Key));
        Assert.Equal(("contacts", "v1"), ((string?)paused["name"], (string?)paused["variant"]));
        Assert.Equal((string?)paused["id"], (string?)pausedStatus["id"]);
        Assert.NotEqual((string?)baseStatus["id"], (string?)pausedStatus["id"]);
        Assert.Equal("PAUSED", (string?)pausedStatus["status"]);
        Assert.Null(pausedStatus["nextScheduledSyncAt"]);
        Assert.Equal((string?)started["id"], (string?)startedStatus["id"]);
        Assert.NotNull(startedStatus["nextScheduledSyncAt"]);
        Assert.NotEqual("PAUSED", (string?)startedStatus["status"]);
    }

    /// <summary>Nango, all connections (no <c>connection_id</c>): the syncs are filtered by (name, variant) pairs.</summary>
    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task StartWithoutAConnection_StartsOnlyTheNamedVariant_AndAVariantNoSyncHasIsNoSyncsFound(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, config: Config);
        await server.CreateConnectionAsync("acme", null, Token);
        await CreateAsync(server.Client, "contacts", "v1");

        await server.Client.SendAsync(
            HttpMethod.Post, "sync/start", new JsonObject { ["provider_config_key"] = "demo", ["syncs"] = new JsonArray(new JsonObject { ["name"] = "contacts", ["variant"] = "v1" }) }, null, Token);
        var unknown = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(
            HttpMethod.Post, "sync/start", new JsonObject { ["provider_config_key"] = "demo", ["syncs"] = new JsonArray("contacts::nope") }, null, Token));

        Assert.NotEqual("PAUSED", (string?)(await StatusAsync(server.Client, "contacts::v1"))["status"]);
        Assert.Equal("PAUSED", (string?)(await StatusAsync(server.Client, "contacts"))["status"]);
        Assert.Equal((400, "no_syncs_found"), (unknown.Status, unknown.Code));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Create_RefusedCases_AnswerNangoErrors(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, config: Config);
        await server.CreateConnectionAsync("acme", null, Token);
        await CreateAsync(server.Client, "contacts", "v1");

        var again = await Assert.ThrowsAsync<TributaryApiException>(() => CreateAsync(server.Client, "contacts", "v1"));
        var protectedBase = await Assert.ThrowsAsync<TributaryApiException>(() => CreateAsync(server.Client, "contacts", "Base"));
        var unknownConnection = await Assert.ThrowsAsync<TributaryApiException>(() => CreateAsync(server.Client, "contacts", "v2", "ghost"));
        var unknownSync = await Assert.ThrowsAsync<TributaryApiException>(() => CreateAsync(server.Client, "nope", "v2"));

        Assert.Equal(400, again.Status);
        Assert.Equal("""{"code":"sync_variant_already_exists"}""", ErrorOf(again));
        Assert.Equal((400, "invalid_variant", "Variant name \"Base\" is protected."), (protectedBase.Status, protectedBase.Code, protectedBase.ErrorMessage()));
        Assert.Equal("""{"code":"unknown_connection"}""", ErrorOf(unknownConnection));
        Assert.Equal(400, unknownSync.Status);
        Assert.Equal("""{"code":"unknown_sync"}""", ErrorOf(unknownSync));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Create_HundredthVariantOfASync_IsCapped(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, config: Config);
        await server.CreateConnectionAsync("acme", null, Token);

        // With base, 99 variants make the 100 a sync may have.
        for (var i = 1; i <= 99; i++)
        {
            await CreateAsync(server.Client, "contacts", $"v{i}");
        }

        var capped = await Assert.ThrowsAsync<TributaryApiException>(() => CreateAsync(server.Client, "contacts", "v100"));
        var otherSync = await CreateAsync(server.Client, "deals", "v1");

        Assert.Equal((400, "resource_capped", "Maximum number of variants per sync (100) reached"), (capped.Status, capped.Code, capped.ErrorMessage()));
        Assert.Equal("v1", (string?)otherSync["variant"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Delete_Variant_RemovesItAndItsQueuedRunAndLeavesBaseAlone(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, config: Config);
        await server.CreateConnectionAsync("acme", null, Token);
        await CreateAsync(server.Client, "contacts", "v1");
        var runId = await TriggerVariantAsync(server.Client, "v1");

        var deleted = await DeleteAsync(server.Client, "contacts", "v1");
        var status = await server.Client.StatusAsync("demo", "*", "acme", Token);
        var run = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.GetRunAsync(runId, Token));
        var again = await Assert.ThrowsAsync<TributaryApiException>(() => DeleteAsync(server.Client, "contacts", "v1"));
        var protectedBase = await Assert.ThrowsAsync<TributaryApiException>(() => DeleteAsync(server.Client, "contacts", "base"));
        var unknownConnection = await Assert.ThrowsAsync<TributaryApiException>(() => DeleteAsync(server.Client, "contacts", "v1", "ghost"));
        var recreated = await CreateAsync(server.Client, "contacts", "v1");

        Assert.Equal("""{"success":true}""", deleted.ToJsonString());
        Assert.DoesNotContain(status!["syncs"]!.AsArray(), s => (string?)s!["variant"] == "v1");
        Assert.Contains(status["syncs"]!.AsArray(), s => (string?)s!["name"] == "contacts" && (string?)s["variant"] == "base");
        Assert.Equal(404, run.Status);
        Assert.Equal(404, again.Status);
        Assert.Equal("""{"code":"not_found"}""", ErrorOf(again));
        Assert.Equal((400, "invalid_variant", "Cannot delete protected variant \"base\"."), (protectedBase.Status, protectedBase.Code, protectedBase.ErrorMessage()));
        Assert.Equal((400, "unknown_connection"), (unknownConnection.Status, unknownConnection.Code));
        Assert.Equal("v1", (string?)recreated["variant"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Delete_VariantWithARunningRun_StopsTheRun(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, config: Config, workers: true);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 400, ["batch_size"] = 10, ["delay_ms_per_batch"] = 200 }, Token);
        await CreateAsync(server.Client, "contacts", "v1");
        var runId = await TriggerVariantAsync(server.Client, "v1");

        // The run must have written before the delete. sample-data writes the 400 companies first (40 batches of 10 at
        // 200 ms: about 8 s), then the contacts counted here; on a loaded machine that took longer than 15 s.
        var written = await Eventually.ValueAsync(
            _ => CountRecordsAsync(server.Client),
            count => count >= 20,
            TimeSpan.FromSeconds(60),
            "the v1 run to write its first two batches",
            Token);
        var beforeDelete = await server.Client.GetRunAsync(runId, Token);

        await DeleteAsync(server.Client, "contacts", "v1");
        var atDelete = await CountRecordsAsync(server.Client);

        // Deliberately not a poll: six batch intervals in which a run still writing would add about 60 records.
        await Task.Delay(TimeSpan.FromMilliseconds(1200), TimeProvider.System, Token);
        var later = await CountRecordsAsync(server.Client);
        var run = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.GetRunAsync(runId, Token));

        Assert.Equal("running", (string?)beforeDelete!["state"]);
        Assert.InRange(atDelete, written, 399);

        // Stopped: at most the one batch that was in flight at the delete landed afterwards.
        Assert.InRange(later - atDelete, 0, 10);
        Assert.Equal(404, run.Status);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Delete_Variant_ClearsItsCheckpointButNotASiblingVariants(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token, config: Config, workers: true);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Token);
        await CreateAsync(server.Client, "contacts", "v1");
        await CreateAsync(server.Client, "contacts", "v10");
        await server.WaitForRunAsync(await TriggerVariantAsync(server.Client, "v1"), Token);
        await server.WaitForRunAsync(await TriggerVariantAsync(server.Client, "v10"), Token);
        var before = await StatusAsync(server.Client, "contacts::v1");

        await DeleteAsync(server.Client, "contacts", "v1");
        await CreateAsync(server.Client, "contacts", "v1");
        var recreated = await StatusAsync(server.Client, "contacts::v1");
        var sibling = await StatusAsync(server.Client, "contacts::v10");

        Assert.NotNull(before["checkpoint"]);
        Assert.Null(recreated["checkpoint"]);
        Assert.NotNull(sibling["checkpoint"]);
    }

    internal static async Task<JsonNode> CreateAsync(TributaryClient client, string sync, string variant, string connectionId = "acme") =>
        (await client.SendAsync(HttpMethod.Post, $"sync/{sync}/variant/{variant}", ConnectionBody(connectionId), null, Token))!;

    private static async Task<JsonNode> DeleteAsync(TributaryClient client, string sync, string variant, string connectionId = "acme") =>
        (await client.SendAsync(HttpMethod.Delete, $"sync/{sync}/variant/{variant}", ConnectionBody(connectionId), null, Token))!;

    private static JsonObject ConnectionBody(string connectionId) => new()
    {
        ["provider_config_key"] = "demo",
        ["connection_id"] = connectionId,
    };

    private static string ErrorOf(TributaryApiException exception) => JsonNode.Parse(exception.Body)!["error"]!.ToJsonString();

    private static async Task<JsonNode> StatusAsync(TributaryClient client, string sync)
    {
        var status = await client.StatusAsync("demo", sync, "acme", Token);
        return status!["syncs"]!.AsArray().Single()!;
    }

    private static async Task<string> TriggerVariantAsync(TributaryClient client, string variant)
    {
        var answer = await client.TriggerAsync(
            new JsonObject
            {
                ["provider_config_key"] = "demo",
                ["connection_id"] = "acme",
                ["syncs"] = new JsonArray($"contacts::{variant}"),
            },
            Token);
        return (string)answer!["runs"]![0]!["run_id"]!;
    }

    private static async Task<int> CountRecordsAsync(TributaryClient client)
    {
        var count = 0;
        string? cursor = null;
        do
        {
            var page = await client.SendAsync(
                HttpMethod.Get,
                "records?model=Contact&variant=v1&limit=1000" + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}"),
                null,
                new() { ["Connection-Id"] = "acme", ["Provider-Config-Key"] = "demo" },
                Token);
            count += page!["records"]!.AsArray().Count;
            cursor = (string?)page["next_cursor"];
        }
        while (cursor is not null);
        return count;
    }
}
