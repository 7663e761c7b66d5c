using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Api;

/// <summary><c>PUT /sync/update-connection-frequency</c> (spec §2.3).</summary>
public sealed class FrequencyEndpointTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Update_Intervals_AnswersNormalisedAndStatusShowsTheRawOverride(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);

        var fiveMinutes = await UpdateAsync(server.Client, "contacts", "acme", "every 5 minutes");
        var afterFive = await FrequencyInStatusAsync(server.Client, "acme");
        var hour = await UpdateAsync(server.Client, "contacts", "acme", "every hour");
        var halfHour = await UpdateAsync(server.Client, "contacts", "acme", "every half hour");
        var withVariant = await UpdateAsync(server.Client, "contacts", "acme", "every 2h", variant: "base");
        var afterVariant = await FrequencyInStatusAsync(server.Client, "acme");

        Assert.Equal("""{"frequency":"5 minutes"}""", fiveMinutes.ToJsonString());
        Assert.Equal("every 5 minutes", afterFive);
        Assert.Equal("1h", (string?)hour["frequency"]);
        Assert.Equal("30m", (string?)halfHour["frequency"]);
        Assert.Equal("2h", (string?)withVariant["frequency"]);
        Assert.Equal("every 2h", afterVariant);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Update_Null_ResetsToTheConfigFrequencyAsWritten(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        await UpdateAsync(server.Client, "contacts", "acme", "every 5 minutes");

        var reset = await UpdateAsync(server.Client, "contacts", "acme", null);

        Assert.Equal("""{"frequency":"every 1h"}""", reset.ToJsonString());
        Assert.Equal("every 1h", await FrequencyInStatusAsync(server.Client, "acme"));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Update_UnknownTargetsOrShortInterval_AnswersNangoErrorsAndChangesNothing(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);

        var unknownConnection = await Assert.ThrowsAsync<TributaryApiException>(() => UpdateAsync(server.Client, "contacts", "ghost", "every 5 minutes"));
        var unknownSync = await Assert.ThrowsAsync<TributaryApiException>(() => UpdateAsync(server.Client, "nope", "acme", "every 5 minutes"));
        var unknownVariant = await Assert.ThrowsAsync<TributaryApiException>(() => UpdateAsync(server.Client, "contacts", "acme", "every 5 minutes", variant: "v1"));
        var tooShort = await Assert.ThrowsAsync<TributaryApiException>(() => UpdateAsync(server.Client, "contacts", "acme", "every 10 seconds"));

        Assert.Equal(400, unknownConnection.Status);
        Assert.Equal("""{"code":"unknown_connection"}""", JsonNode.Parse(unknownConnection.Body)!["error"]!.ToJsonString());
        Assert.Equal(400, unknownSync.Status);
        Assert.Equal("""{"code":"unknown_sync"}""", JsonNode.Parse(unknownSync.Body)!["error"]!.ToJsonString());
        Assert.Equal((400, "unknown_sync"), (unknownVariant.Status, unknownVariant.Code));
        Assert.Equal((400, "invalid_body", "Sync interval is invalid"), (tooShort.Status, tooShort.Code, tooShort.ErrorMessage()));
        Assert.Equal("every 1h", await FrequencyInStatusAsync(server.Client, "acme"));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Update_ShorterInterval_MovesTheNextRunToTheFirstSlotFromNow(TestDialect dialect)
    {
        await using var server = await ApiTestServer.StartAsync(dialect, Token);
        await server.CreateConnectionAsync("acme", null, Token);
        await server.Client.SendAsync(HttpMethod.Post, "sync/start", Body("acme"), null, Token);

        // Started, the sync is due at once; the scheduler queues it and moves its next slot an hour on.
        var before = await Eventually.ValueAsync(
            _ => NextRunAsync(server.Client),
            due => due > TimeProvider.System.GetUtcNow().AddMinutes(50),
            TimeSpan.FromSeconds(10),
            "the scheduler to queue the started sync and move its next run an hour on",
            Token,
            TimeSpan.FromMilliseconds(100));
        await UpdateAsync(server.Client, "contacts", "acme", "every 5 minutes");
        var after = await NextRunAsync(server.Client);
        var now = TimeProvider.System.GetUtcNow();

        Assert.True(before > now.AddMinutes(50), $"before: {before:O}");
        Assert.InRange(after, now.AddSeconds(-5), now.AddMinutes(5));
    }

    internal static async Task<JsonNode> UpdateAsync(TributaryClient client, string sync, string connectionId, string? frequency, string? variant = null)
    {
        var body = new JsonObject
        {
            ["sync_name"] = sync,
            ["provider_config_key"] = "demo",
            ["connection_id"] = connectionId,
            ["frequency"] = frequency,
        };
        if (variant is not null)
        {
            body["sync_variant"] = variant;
        }

        return (await client.SendAsync(HttpMethod.Put, "sync/update-connection-frequency", body, null, Token))!;
    }

    private static JsonObject Body(string connectionId) => new()
    {
        ["provider_config_key"] = "demo",
        ["connection_id"] = connectionId,
        ["syncs"] = new JsonArray("contacts"),
    };

    private static async Task<string?> FrequencyInStatusAsync(TributaryClient client, string connectionId)
    {
        var status = await client.StatusAsync("demo", "contacts", connectionId, Token);
        return (string?)status!["syncs"]![0]!["frequency"];
    }

    private static async Task<DateTimeOffset> NextRunAsync(TributaryClient client)
    {
        var status = await client.StatusAsync("demo", "contacts", "acme", Token);
        return DateTimeOffset.Parse((string)status!["syncs"]![0]!["nextScheduledSyncAt"]!, System.Globalization.CultureInfo.InvariantCulture);
    }
}
