using System.Text.Json.Nodes;
using Tributary.Core.Webhooks;
using Tributary.Testing;

namespace Tributary.Server.Tests.Webhooks;

/// <summary>
/// Webhooks end to end, on both databases, against a real receiver on loopback: signed Nango bodies, a receiver
/// that is down and comes back, one that fails or hangs until the retry window closes.
/// </summary>
public sealed class WebhookDeliveryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Run_DeliversOneSignedNangoWebhookPerModel_ThatTheSigningKeyVerifies(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await WebhookServer.StartAsync(dialect, Token);
        var key = await server.UseReceiverAsync(receiver.Url, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Token);

        var runId = await server.TriggerAsync("acme", "contacts", Token);
        await server.WaitForRunAsync(runId, Token);
        var deliveries = await server.WaitForDeliveriesAsync(runId, "delivered", 3, TimeSpan.FromSeconds(30), Token);

        Assert.NotEqual(server.SecretKey, key);
        Assert.Equal(3, receiver.Accepted.Count);
        foreach (var webhook in receiver.Accepted)
        {
            Assert.Equal(WebhookSignature.Hmac(key, webhook.Body), webhook.Headers[WebhookSignature.HmacHeader]);
            Assert.Equal(WebhookSignature.Legacy(key, webhook.Body), webhook.Headers[WebhookSignature.LegacyHeader]);
            Assert.Equal("application/json", webhook.Headers["Content-Type"]);
            Assert.Equal("Tributary (Nango-compatible webhooks)", webhook.Headers["User-Agent"]);
            var body = JsonNode.Parse(webhook.Body)!;
            Assert.Equal(("sync", "acme", "demo", "contacts", runId, "api"), ((string?)body["type"], (string?)body["connectionId"], (string?)body["providerConfigKey"], (string?)body["syncName"], (string?)body["tributaryRunId"], (string?)body["tributaryTrigger"]));
            Assert.Equal("INITIAL", (string?)body["syncType"]);
            Assert.True((bool)body["success"]!);
        }

        Assert.Equal(["Company", "Contact", "Deal"], receiver.Accepted.Select(w => (string?)JsonNode.Parse(w.Body)!["model"]).Order(StringComparer.Ordinal));
        Assert.All(deliveries, d => Assert.Equal((1, 200), ((int)d!["attempts"]!, (int)d["last_status"]!)));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ReceiverDown_ThenUp_EveryWebhookIsDelivered(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: false, Token);
        await using var server = await WebhookServer.StartAsync(dialect, Token);
        await server.UseReceiverAsync(receiver.Url, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Token);

        var runId = await server.TriggerAsync("acme", "contacts", Token);
        await server.WaitForRunAsync(runId, Token);
        await Eventually.TrueAsync(
            async token => (await server.DeliveriesAsync($"?run_id={runId}&state=pending", token)).Any(d => (int)d!["attempts"]! >= 2),
            TimeSpan.FromSeconds(30),
            "a delivery to have failed twice while the receiver is down",
            Token);
        await receiver.StartAsync(Token);

        await server.WaitForDeliveriesAsync(runId, "delivered", 3, TimeSpan.FromSeconds(30), Token);
        Assert.Equal(3, receiver.Accepted.Count);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ReceiverAnswering500_IsRetriedWithBackoff_ThenDead_AndAManualRetryDeliversIt(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        receiver.Mode = ReceiverMode.Fail;
        await using var server = await WebhookServer.StartAsync(dialect, Token, retryFor: TimeSpan.FromSeconds(3));
        await server.UseReceiverAsync(receiver.Url, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Token);

        var runId = await server.TriggerAsync("acme", "deals", Token);
        await server.WaitForRunAsync(runId, Token);
        var dead = Assert.Single(await server.WaitForDeliveriesAsync(runId, "dead", 1, TimeSpan.FromSeconds(30), Token))!;

        // 3 s of backoff from 200 ms, doubling to at most 1 s: more than two attempts, far fewer than a tight loop.
        Assert.InRange((int)dead["attempts"]!, 3, 15);
        Assert.Equal((500, "The receiver answered HTTP 500."), ((int)dead["last_status"]!, (string?)dead["last_error"]));
        Assert.Equal((int)dead["attempts"]!, receiver.Attempts);

        receiver.Mode = ReceiverMode.Accept;
        var retried = await server.Client.SendAsync(HttpMethod.Post, $"webhooks/deliveries/{(string?)dead["id"]}/retry", null, null, Token);
        Assert.Equal("pending", (string?)retried!["state"]);
        await server.WaitForDeliveriesAsync(runId, "delivered", 1, TimeSpan.FromSeconds(30), Token);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task HangingReceiver_TimesOut_IsRetried_ThenDead(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        receiver.Mode = ReceiverMode.Hang;
        await using var server = await WebhookServer.StartAsync(dialect, Token, retryFor: TimeSpan.FromSeconds(3), timeout: TimeSpan.FromSeconds(1));
        await server.UseReceiverAsync(receiver.Url, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Token);

        var runId = await server.TriggerAsync("acme", "deals", Token);
        await server.WaitForRunAsync(runId, Token);
        var dead = Assert.Single(await server.WaitForDeliveriesAsync(runId, "dead", 1, TimeSpan.FromSeconds(30), Token))!;

        Assert.InRange((int)dead["attempts"]!, 2, 5);
        Assert.Equal("No answer within 1 s.", (string?)dead["last_error"]);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task NoChanges_SendNothing_UnlessAlways_AndAFailedRunSendsItsError(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await WebhookServer.StartAsync(dialect, Token);
        await server.UseReceiverAsync(receiver.Url, Token, always: false);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5, ["change_rate"] = 0 }, Token);
        await server.CreateConnectionAsync("broken", new JsonObject { ["records"] = 5, ["fail_after_batches"] = 1 }, Token);

        var first = await server.TriggerAsync("acme", "deals", Token);
        await server.WaitForDeliveriesAsync(first, "delivered", 1, TimeSpan.FromSeconds(30), Token);
        var second = await server.TriggerAsync("acme", "deals", Token);
        await server.WaitForRunAsync(second, Token);
        var failed = await server.TriggerAsync("broken", "deals", Token);
        var failedRun = await server.WaitForRunAsync(failed, Token);
        await server.WaitForDeliveriesAsync(failed, "delivered", 1, TimeSpan.FromSeconds(30), Token);

        Assert.Empty(await server.DeliveriesAsync($"?run_id={second}", Token));
        Assert.Equal("failed", (string?)failedRun["state"]);
        var error = JsonNode.Parse(receiver.Accepted.Single(w => w.Body.Contains("\"success\":false", StringComparison.Ordinal)).Body)!;
        Assert.Equal(("script_error", (string?)failedRun["error"]), ((string?)error["error"]!["type"], (string?)error["error"]!["description"]));
    }
}
