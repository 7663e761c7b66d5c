using System.Text;
using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary>Per-request work has a bound: how many syncs a status call covers.</summary>
public sealed class BoundedRequestTests
{
    private const int SyncsPerConnection = 40;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string ManySyncsConfig()
    {
        var config = new StringBuilder("integrations:\n  demo:\n    provider: sample-data\n    syncs:\n");
        for (var i = 0; i < SyncsPerConnection; i++)
        {
            config.Append($"      s{i:D2}:\n        function: sample-data\n        models: [Deal]\n        frequency: every 1h\n        auto_start: false\n");
        }

        return config.ToString();
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task SyncStatus_CoversAtMost1000Syncs_AndAnswers400InNangosShapeBeyond(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token, ManySyncsConfig());
        for (var i = 0; i < 25; i++)
        {
            await server.CreateConnectionAsync($"c{i:D2}", null, Token);
        }

        var atCap = await server.Client.StatusAsync("demo", "*", null, Token);
        Assert.Equal(1000, atCap!["syncs"]!.AsArray().Count);

        await server.CreateConnectionAsync("c25", null, Token);
        var error = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.StatusAsync("demo", "*", null, Token));
        var named = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.StatusAsync("demo", "s00,s01,s02,s03,s04,s05,s06,s07,s08,s09,s10,s11,s12,s13,s14,s15,s16,s17,s18,s19,s20,s21,s22,s23,s24,s25,s26,s27,s28,s29,s30,s31,s32,s33,s34,s35,s36,s37,s38,s39", null, Token));
        var oneConnection = await server.Client.StatusAsync("demo", "*", "c25", Token);

        Assert.Equal(400, error.Status);
        Assert.Equal("invalid_query_params", error.Code);
        Assert.Contains("at most 1000 syncs", error.Message, StringComparison.Ordinal);
        Assert.Equal("invalid_query_params", JsonNode.Parse(error.Body)!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(400, named.Status);
        Assert.Equal(SyncsPerConnection, oneConnection!["syncs"]!.AsArray().Count);
    }
}

/// <summary><c>GET /connections</c> pages with <c>limit</c> and a keyset <c>cursor</c> or Nango's <c>page</c>; metadata arrays are one write.</summary>
public sealed class ConnectionPagingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ListConnections_PagesNewestFirstWithNextCursor_StableWhenAnEarlierOneIsDeleted_AndByNangosPageNumber(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        for (var i = 0; i < 7; i++)
        {
            await server.CreateConnectionAsync($"c{i}", null, Token);
        }

        var first = await server.Client.SendAsync(HttpMethod.Get, "connections?limit=3", null, null, Token);
        await server.Client.SendAsync(HttpMethod.Delete, "connections/c6?provider_config_key=demo", null, null, Token);
        var second = await server.Client.SendAsync(HttpMethod.Get, $"connections?limit=3&cursor={Uri.EscapeDataString((string)first!["next_cursor"]!)}", null, null, Token);
        var third = await server.Client.SendAsync(HttpMethod.Get, $"connections?limit=3&cursor={Uri.EscapeDataString((string)second!["next_cursor"]!)}", null, null, Token);
        var all = await server.Client.SendAsync(HttpMethod.Get, "connections", null, null, Token);
        var page1 = await server.Client.SendAsync(HttpMethod.Get, "connections?limit=4&page=1", null, null, Token);
        var page2 = await server.Client.SendAsync(HttpMethod.Get, "connections?limit=4&page=2", null, null, Token);
        var bad = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Get, "connections?cursor=nope!", null, null, Token));
        var badPage = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Get, "connections?page=-1", null, null, Token));

        // Nango lists the newest first.
        Assert.Equal(["c6", "c5", "c4"], Ids(first));
        Assert.Equal(["c3", "c2", "c1"], Ids(second));
        Assert.Equal(["c0"], Ids(third));
        Assert.Null((string?)third!["next_cursor"]);
        Assert.Equal(["c5", "c4", "c3", "c2", "c1", "c0"], Ids(all));
        Assert.Null((string?)all!["next_cursor"]);
        Assert.Equal(["c1", "c0"], Ids(page1));
        Assert.Empty(Ids(page2));
        Assert.Equal((400, "invalid_cursor"), (bad.Status, bad.Code));
        Assert.Equal((400, "invalid_query_params"), (badPage.Status, badPage.Code));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Metadata_OneCallFor1000Connections_WritesEveryOne_AndAnUnknownIdWritesNone(TestDialect dialect)
    {
        await using var server = await TestServer.StartAsync(dialect, Token);
        var ids = Enumerable.Range(0, 1000).Select(i => $"m{i:D4}").ToList();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async part =>
        {
            foreach (var id in ids.Where((_, i) => i % 4 == part))
            {
                await server.CreateConnectionAsync(id, new JsonObject { ["records"] = 1 }, Token);
            }
        }));

        var patch = new JsonObject { ["connection_id"] = new JsonArray([.. ids.Select(i => (JsonNode)i)]), ["provider_config_key"] = "demo", ["metadata"] = new JsonObject { ["tier"] = "gold" } };
        await server.Client.SendAsync(HttpMethod.Patch, "connections/metadata", patch, null, Token);
        var withUnknown = new JsonObject { ["connection_id"] = new JsonArray("m0000", "nobody"), ["provider_config_key"] = "demo", ["metadata"] = new JsonObject { ["tier"] = "lead" } };
        var error = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Patch, "connections/metadata", withUnknown, null, Token));

        var list = await server.Client.SendAsync(HttpMethod.Get, "connections?limit=10000", null, null, Token);
        var metadata = list!["connections"]!.AsArray().Select(c => c!["metadata"]!.ToJsonString()).ToList();
        Assert.Equal(1000, metadata.Count);
        Assert.All(metadata, m => Assert.Equal("""{"records":1,"tier":"gold"}""", m));
        Assert.Equal(404, error.Status);
    }

    private static List<string?> Ids(JsonNode? page) => [.. page!["connections"]!.AsArray().Select(c => (string?)c!["connection_id"])];
}
