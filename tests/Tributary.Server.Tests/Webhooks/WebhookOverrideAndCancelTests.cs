using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Webhooks;

/// <summary>
/// A connection's <c>webhook_url_override</c> (POST /connections, the connection's answer, where its webhooks go),
/// and the failure webhook of a run cancelled while running, on both databases.
/// </summary>
public sealed class WebhookOverrideAndCancelTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ConnectionWithAnOverride_ItsWebhooksGoOnlyThere_AndItsAnswersShowIt(TestDialect dialect)
    {
        await using var environmentReceiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var connectionReceiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await WebhookServer.StartAsync(dialect, Token);
        await server.UseReceiverAsync(environmentReceiver.Url, Token);

        var created = await server.Client.CreateConnectionAsync(Import("acme", connectionReceiver.Url), Token);
        await server.CreateConnectionAsync("plain", new JsonObject { ["records"] = 5 }, Token);
        var read = await server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token);
        var plain = await server.Client.SendAsync(HttpMethod.Get, "connections/plain?provider_config_key=demo", null, null, Token);

        Assert.Equal(connectionReceiver.Url, (string?)created!["webhook_url_override"]);
        Assert.Equal(connectionReceiver.Url, (string?)read!["webhook_url_override"]);
        Assert.True(plain!.AsObject().ContainsKey("webhook_url_override"));
        Assert.Null(plain["webhook_url_override"]);

        var runId = await server.TriggerAsync("acme", "deals", Token);
        await server.WaitForRunAsync(runId, Token);
        var delivered = Assert.Single(await server.WaitForDeliveriesAsync(runId, "delivered", 1, TimeSpan.FromSeconds(30), Token))!;

        Assert.Equal(connectionReceiver.Url, (string?)delivered["url"]);
        Assert.Single(connectionReceiver.Accepted);
        Assert.Empty(environmentReceiver.Accepted);
    }

    [Theory]
    [InlineData(42, "invalid_type")]
    [InlineData("not a url", "invalid_format")]
    [InlineData("ftp://127.0.0.1/hook", "invalid_format")]
    public async Task ConnectionOverride_ThatIsNotAnHttpUrl_Is400_AndCreatesNothing(object value, string code)
    {
        await using var server = await WebhookServer.StartAsync(TestDialect.Sqlite, Token);
        var body = Import("acme", "x");
        body["webhook_url_override"] = JsonValue.Create(value);

        var refused = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.CreateConnectionAsync(body, Token));

        Assert.Equal(400, refused.Status);
        Assert.Contains(code, refused.Body, StringComparison.Ordinal);
        Assert.Contains("webhook_url_override", refused.Body, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<TributaryApiException>(() => server.Client.SendAsync(HttpMethod.Get, "connections/acme?provider_config_key=demo", null, null, Token));
        Assert.Equal(404, missing.Status);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task RunCancelledWhileRunning_SendsNangosFailureWebhook(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await WebhookServer.StartAsync(dialect, Token);
        await server.UseReceiverAsync(receiver.Url, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 1000, ["batch_size"] = 10, ["delay_ms_per_batch"] = 500 }, Token);

        var runId = await server.TriggerAsync("acme", "deals", Token);
        await Eventually.TrueAsync(
            async token => (string?)(await server.Client.GetRunAsync(runId, token))!["state"] == "running",
            TimeSpan.FromSeconds(30),
            $"run {runId} to be running",
            Token);
        await server.Client.SendAsync(HttpMethod.Post, $"runs/{runId}/cancel", null, null, Token);

        var delivered = Assert.Single(await server.WaitForDeliveriesAsync(runId, "delivered", 1, TimeSpan.FromSeconds(30), Token))!;
        Assert.Equal("sync.error", (string?)delivered["event"]);
        var body = JsonNode.Parse(Assert.Single(receiver.Accepted).Body)!;
        Assert.False((bool)body["success"]!);
        Assert.Equal(("script_error", "Cancelled through the API"), ((string?)body["error"]!["type"], (string?)body["error"]!["description"]));
        Assert.Equal((runId, "deals", "Deal"), ((string?)body["tributaryRunId"], (string?)body["syncName"], (string?)body["model"]));
    }

    private static JsonObject Import(string connectionId, string webhookUrlOverride) => new()
    {
        ["provider_config_key"] = "demo",
        ["connection_id"] = connectionId,
        ["credentials"] = new JsonObject { ["type"] = "NONE" },
        ["metadata"] = new JsonObject { ["records"] = 5 },
        ["webhook_url_override"] = webhookUrlOverride,
    };
}
