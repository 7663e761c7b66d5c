using System.Text.Json.Nodes;
using Tributary.Core;
using Tributary.Sdk;
using Tributary.Testing;

namespace Tributary.Server.Tests.EndToEnd;

/// <summary>The deprecated <c>track_deletes</c> flag of full syncs, end to end through real runs.</summary>
public sealed class TrackDeletesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Config(bool trackDeletes) => $$"""
        integrations:
          demo:
            provider: listed
            syncs:
              deals:
                function: listed-ids
                models: [Deal]
                frequency: every 1h
                auto_start: false
                sync_type: full
                track_deletes: {{(trackDeletes ? "true" : "false")}}
        """;

    [Theory]
    [InlineData(TestDialect.Sqlite, true)]
    [InlineData(TestDialect.Postgres, true)]
    [InlineData(TestDialect.Sqlite, false)]
    public async Task FullRun_WithTrackDeletes_SoftDeletesRecordsTheRunDidNotSave(TestDialect dialect, bool trackDeletes)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, Config(trackDeletes), services: s => s.AddSyncFunction<ListedIdsFunction>("listed-ids"));
        await server.CreateConnectionAsync("acme", new JsonObject { ["ids"] = new JsonArray("a", "b", "c") }, Token);
        await server.WaitForRunAsync(await server.TriggerAsync("acme", "deals", Token), Token);
        await server.Client.SendAsync(HttpMethod.Patch, "connections/metadata", new JsonObject
        {
            ["connection_id"] = "acme",
            ["provider_config_key"] = "demo",
            ["metadata"] = new JsonObject { ["ids"] = new JsonArray("a", "b") },
        }, null, Token);

        var run = await server.WaitForRunAsync(await server.TriggerAsync("acme", "deals", Token), Token);
        var records = await SyncFlowTests.ReadAllRecordsAsync(server, "acme", "Deal", limit: 100);
        var actions = records.ToDictionary(r => (string)r["id"]!, r => (string?)r["_nango_metadata"]!["last_action"]);

        Assert.Equal("succeeded", (string?)run["state"]);
        Assert.Equal(trackDeletes ? "DELETED" : "ADDED", actions["c"]);
        Assert.Equal("ADDED", actions["a"]);
        Assert.Equal(trackDeletes ? 1 : 0, (int)run["result"]!["Deal"]!["deleted"]!);
    }

    /// <summary>Saves exactly the ids listed in the connection's metadata, unchanged each run (a full sync).</summary>
    private sealed class ListedIdsFunction : ISyncFunction
    {
        public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
        {
            var ids = context.Metadata["ids"]!.AsArray().Select(i => (string)i!).ToList();
            await context.BatchSaveAsync(ids.Select(id => new { id, name = $"deal {id}" }).ToList(), "Deal", cancellationToken);
        }
    }
}
