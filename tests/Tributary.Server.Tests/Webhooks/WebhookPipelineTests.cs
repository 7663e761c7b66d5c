using System.Text.Json.Nodes;
using Tributary.Core.Webhooks;
using Tributary.Testing;

namespace Tributary.Server.Tests.Webhooks;

/// <summary>
/// The delivery pipeline: parallel POSTs bounded by <see cref="WebhookOptions.Concurrency"/>, never two of one
/// connection at once (its order), and a process told to send none (<c>TRIBUTARY_WEBHOOK_CONCURRENCY=0</c>).
/// </summary>
public sealed class WebhookPipelineTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Deliveries_ArePostedInParallel_UpToTheConcurrency_NeverTwoOfOneConnectionAtOnce(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        receiver.Delay = TimeSpan.FromMilliseconds(300);
        await using var server = await WebhookServer.StartAsync(dialect, Token, concurrency: 4);
        await server.UseReceiverAsync(receiver.Url, Token);
        var runs = await SixRunsAtOnceAsync(server);

        foreach (var runId in runs)
        {
            await server.WaitForRunAsync(runId, Token);
            await server.WaitForDeliveriesAsync(runId, "delivered", 3, TimeSpan.FromSeconds(60), Token);
        }

        // Six connections with three webhooks each: four POSTs overlap, and each connection's go one after another.
        Assert.Equal(18, receiver.AcceptedCount);
        Assert.Equal(4, receiver.MaxInFlight);
        Assert.Equal(1, receiver.MaxInFlightOfOneConnection);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Claims_RunAheadOfTheSenders_SoEverySenderPostsEvenWhenOneClaimTakesLessThanTheConcurrency(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        receiver.Delay = TimeSpan.FromMilliseconds(300);

        // One delivery per claim: a worker that claimed again only once its claims were recorded had one POST in
        // flight at a time; claimed ahead, its four senders all post.
        await using var server = await WebhookServer.StartAsync(dialect, Token, concurrency: 4, claimBatch: 1);
        await server.UseReceiverAsync(receiver.Url, Token);
        var runs = await SixRunsAtOnceAsync(server);

        foreach (var runId in runs)
        {
            await server.WaitForRunAsync(runId, Token);
            await server.WaitForDeliveriesAsync(runId, "delivered", 3, TimeSpan.FromSeconds(60), Token);
        }

        Assert.Equal(18, receiver.AcceptedCount);
        Assert.Equal(4, receiver.MaxInFlight);
        Assert.Equal(1, receiver.MaxInFlightOfOneConnection);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task ConcurrencyZero_WritesTheWebhooks_ButSendsNone(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        await using var server = await WebhookServer.StartAsync(dialect, Token, concurrency: 0);
        await server.UseReceiverAsync(receiver.Url, Token);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 1 }, Token);

        var runId = await server.TriggerAsync("acme", "contacts", Token);
        await server.WaitForRunAsync(runId, Token);
        var pending = await server.WaitForDeliveriesAsync(runId, "pending", 3, TimeSpan.FromSeconds(30), Token);

        // Several poll intervals later: still unsent, not even attempted.
        await Task.Delay(TimeSpan.FromMilliseconds(600), TimeProvider.System, Token);
        Assert.Equal(0, receiver.Attempts);
        Assert.All(await server.DeliveriesAsync($"?run_id={runId}", Token), d => Assert.Equal(("pending", 0), ((string?)d!["state"], (int)d["attempts"]!)));
        Assert.Equal(3, pending.Count);
    }

    /// <summary>
    /// Six connections, then one run of each triggered back to back: their webhooks are written within moments of
    /// each other, so four connections' POSTs can overlap even on a slow machine (a connection's three take ~0.9 s).
    /// </summary>
    private static async Task<List<string>> SixRunsAtOnceAsync(TestServer server)
    {
        for (var i = 0; i < 6; i++)
        {
            await server.CreateConnectionAsync($"acme{i}", new JsonObject { ["records"] = 1 }, Token);
        }

        var runs = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            runs.Add(await server.TriggerAsync($"acme{i}", "contacts", Token));
        }

        return runs;
    }
}
