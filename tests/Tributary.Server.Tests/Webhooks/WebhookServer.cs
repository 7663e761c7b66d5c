using System.Text.Json.Nodes;
using Tributary.Core.Webhooks;
using Tributary.Testing;

namespace Tributary.Server.Tests.Webhooks;

/// <summary>A test server with short webhook timings, a receiver, and the calls the webhook tests share.</summary>
internal static class WebhookServer
{
    public static Task<TestServer> StartAsync(TestDialect dialect, CancellationToken cancellationToken, TimeSpan? retryFor = null, TimeSpan? timeout = null, int concurrency = 16, int claimBatch = 256) =>
        TestServer.StartAsync(
            dialect,
            cancellationToken,
            options: o => o.Webhooks = WebhookOptions.Default with
            {
                FirstRetry = TimeSpan.FromMilliseconds(200),
                MaxRetryDelay = TimeSpan.FromSeconds(1),
                PollInterval = TimeSpan.FromMilliseconds(100),
                RetryFor = retryFor ?? TimeSpan.FromMinutes(5),
                Timeout = timeout ?? TimeSpan.FromSeconds(5),
                Concurrency = concurrency,
                ClaimBatch = claimBatch,
            });

    /// <summary>Points the environment's webhooks at <paramref name="url"/> and returns the signing key.</summary>
    public static async Task<string> UseReceiverAsync(this TestServer server, string url, CancellationToken cancellationToken, bool always = true)
    {
        var settings = await server.Client.SendAsync(
            HttpMethod.Patch,
            "environment/webhook-settings",
            new JsonObject { ["primary_url"] = url, ["on_sync_completion_always"] = always },
            null,
            cancellationToken);
        return (string)settings!["webhook_signing_key"]!;
    }

    public static async Task<JsonArray> DeliveriesAsync(this TestServer server, string query, CancellationToken cancellationToken) =>
        (await server.Client.SendAsync(HttpMethod.Get, $"webhooks/deliveries{query}", null, null, cancellationToken))!["deliveries"]!.AsArray();

    /// <summary>Waits until every delivery of the run is in <paramref name="state"/> and returns them.</summary>
    public static async Task<JsonArray> WaitForDeliveriesAsync(this TestServer server, string runId, string state, int count, TimeSpan timeout, CancellationToken cancellationToken) =>
        (await Eventually.ValueAsync(
            token => server.DeliveriesAsync($"?run_id={runId}", token),
            rows => rows!.Count == count && rows.All(r => (string?)r!["state"] == state),
            timeout,
            $"{count} deliveries of run {runId} to be {state}",
            cancellationToken))!;
}
