using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Contracts;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Client;

/// <summary>The typed groups of <see cref="TributaryClient"/> against a real server, on SQLite and on PostgreSQL.</summary>
public sealed class TypedClientTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ConnectionsTriggerRunsAndStatus_AreTypedEndToEnd(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        var client = server.Client;

        var created = await client.Connections.CreateAsync(new ConnectionCreateRequest("demo", "acme", new JsonObject { ["type"] = "NONE" }, new JsonObject { ["records"] = 7 }), Token);
        var got = await client.Connections.GetAsync("acme", "demo", Token);
        var all = await ToListAsync(client.Connections.ListAllAsync(new ConnectionListQuery(null, "demo", 1, null), Token), Token);
        var metadata = await client.Connections.UpdateMetadataAsync(new MetadataRequest(JsonValue.Create("acme"), "demo", new JsonObject { ["records"] = 6 }), Token);
        var trigger = await client.Syncs.TriggerAsync(new TriggerRequest("demo", "acme", SyncsClient.Names(["deals"]), null), Token);
        var runId = Assert.Single(trigger.Runs!).RunId;
        var run = await client.Runs.WaitAsync(runId, TimeSpan.FromMilliseconds(100), null, Token);
        var listed = await ToListAsync(client.Runs.ListAllAsync(new RunListQuery("demo", "acme", "deals", null, null, null, 1, null), Token), Token);
        var status = await client.Syncs.GetStatusAsync(new StatusQuery("deals", "demo", "acme"), Token);

        Assert.Equal("acme", created.ConnectionId);
        Assert.Equal(created.Id, got.Id);
        Assert.Equal(["acme"], all.Select(c => c.ConnectionId));
        Assert.Equal("acme", (string?)metadata.ConnectionId);
        Assert.Equal(1, trigger.Counts.Queued);
        Assert.Equal("succeeded", run.State);
        Assert.Contains("\"Deal\"", run.Result.Json, StringComparison.Ordinal);
        Assert.Equal(runId, Assert.Single(listed).Id);
        Assert.Equal(6, Assert.Single(status.Syncs).RecordCount["Deal"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Records_StreamAcrossPages_AndResumeFromTheCursorWithoutRepeats(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 25 }, Token);
        await server.WaitForRunAsync(await server.TriggerAsync("acme", "deals", Token), Token);
        var request = new RecordRequest("demo", "acme", "Deal") { Limit = 4 };

        var reader = server.Client.Records.Read(request);
        var firstTen = new List<string>();
        await foreach (var record in reader.WithCancellation(Token))
        {
            firstTen.Add((string)record["id"]!);
            if (firstTen.Count == 10)
            {
                break;
            }
        }

        var rest = await ToListAsync(server.Client.Records.Read(request with { Cursor = reader.Cursor }), Token);
        var whole = server.Client.Records.Read(request);
        var all = await ToListAsync(whole, Token);

        Assert.Equal(25, all.Count);
        Assert.Equal(7, whole.Pages); // 6 full pages of 4, one of 1
        Assert.Equal(all.Select(r => (string)r["id"]!), firstTen.Concat(rest.Select(r => (string)r["id"]!)));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task PauseStartFrequencyVariantsResetCancelAndIntegrations_AreTyped(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        var client = server.Client;
        await server.CreateConnectionAsync("acme", null, Token);
        var target = new SyncScheduleRequest(SyncsClient.Names(["deals"]), "demo", "acme");

        await client.Syncs.StartAsync(target, Token);
        var started = (await client.Syncs.GetStatusAsync(new StatusQuery("deals", "demo", "acme"), Token)).Syncs[0].NextScheduledSyncAt;
        await client.Syncs.PauseAsync(target, Token);
        var paused = (await client.Syncs.GetStatusAsync(new StatusQuery("deals", "demo", "acme"), Token)).Syncs[0].NextScheduledSyncAt;
        var frequency = await client.Syncs.UpdateFrequencyAsync(new FrequencyRequest("deals", null, "demo", "acme", "every 5 minutes"), Token);
        var variant = await client.Syncs.CreateVariantAsync("deals", "eu", new ConnectionReference("demo", "acme"), Token);
        await client.Syncs.DeleteVariantAsync("deals", "eu", new ConnectionReference("demo", "acme"), Token);
        var reset = await client.Syncs.ResetAsync("demo", "acme", ["deals"], emptyCache: true, Token);
        var cancelled = await client.Runs.CancelAsync(reset.Runs![0].RunId, Token);
        var integrations = await client.Integrations.ListAsync(Token);
        var demo = await client.Integrations.GetAsync("demo", Token);

        Assert.NotNull(started); // scheduled
        Assert.Null(paused); // a paused sync has no next run
        Assert.Equal("5 minutes", frequency.Frequency);
        Assert.Equal("eu", variant.Variant);
        Assert.Contains(cancelled.State, new[] { "cancelled", "succeeded" }); // a fast worker may finish it first
        Assert.True(cancelled.Reset);
        Assert.Equal(["demo"], integrations.Select(i => i.UniqueKey));
        Assert.Equal("sample-data", demo.Provider);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Errors_AreTypedWithNangosCodeAndMessage_AndDeleteRemovesTheConnection(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);

        var duplicate = await Assert.ThrowsAsync<TributaryApiException>(() =>
            server.Client.Connections.CreateAsync(new ConnectionCreateRequest("demo", "acme", new JsonObject { ["type"] = "NONE" }, null), Token));
        await server.Client.Connections.DeleteAsync("acme", "demo", Token);
        var gone = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.Connections.GetAsync("acme", "demo", Token));

        Assert.Equal((409, "duplicate_connection"), (duplicate.Status, duplicate.Code));
        Assert.Contains("acme", duplicate.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal((404, "not_found", "Failed to find connection"), (gone.Status, gone.Code, gone.ErrorMessage));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ListConnections_SendsNangosFilters_AndListAllRefusesAPageNumber(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("mine", null, Token);
        await server.CreateConnectionAsync("theirs", null, Token);
        await server.Client.SendAsync(HttpMethod.Patch, "connections/mine?provider_config_key=demo", new JsonObject { ["end_user"] = new JsonObject { ["id"] = "u1", ["display_name"] = "Ann" } }, null, Token);

        var byUser = await server.Client.Connections.ListAsync(new ConnectionListQuery(null, null, null, null, EndUserId: "u1"), Token);
        var bySearch = await server.Client.Connections.ListAsync(new ConnectionListQuery(null, null, null, null, Search: "ann"), Token);
        var secondPage = await server.Client.Connections.ListAsync(new ConnectionListQuery(null, null, 1, null, Page: 1), Token);
        var refused = await Assert.ThrowsAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in server.Client.Connections.ListAllAsync(new ConnectionListQuery(null, null, null, null, Page: 1), Token))
            {
            }
        });

        Assert.Equal(["mine"], byUser.Connections.Select(c => c.ConnectionId));
        Assert.Equal(["mine"], bySearch.Connections.Select(c => c.ConnectionId));
        Assert.Equal(["mine"], secondPage.Connections.Select(c => c.ConnectionId)); // newest first: theirs, then mine
        Assert.Equal("query", refused.ParamName);
    }

    [Fact]
    public async Task EveryCall_HonoursCancellation()
    {
        await using var server = await TestServer.StartAsync(TestDialect.Sqlite, Token);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.Client.Integrations.ListAsync(cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var record in server.Client.Records.Read(new RecordRequest("demo", "acme", "Deal")).WithCancellation(cancelled.Token))
            {
                Assert.Fail($"read {record} after cancellation");
            }
        });
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items, CancellationToken cancellationToken = default)
    {
        var list = new List<T>();
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            list.Add(item);
        }

        return list;
    }
}
