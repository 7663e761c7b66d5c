using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Core.Webhooks;
using Tributary.Testing;
using static Tributary.Server.Tests.Process.FaultTestKit;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// The outbox across a crash: a worker killed (SIGKILL) after the run's completion committed, while it was sending
/// the webhook, leaves the delivery in the database, and the restarted process delivers it.
/// </summary>
public sealed class WebhookCrashTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public Task WorkerKilledMidDelivery_TheRestartedProcessDeliversTheWebhook(TestDialect dialect) =>
        KillMidDeliveryThenRestartAsync(dialect, sendTimeoutSeconds: 2, deliveredWithin: TimeSpan.FromSeconds(60));

    /// <summary>
    /// On SQLite the restarted process hands back its dead predecessor's claim at start: with a 60 s send timeout the
    /// claim's lease is 125 s, and the delivery still arrives within 30 s of the restart.
    /// </summary>
    [Fact]
    public Task Sqlite_RestartedProcess_SendsTheDeadPredecessorsClaimedDelivery_WithoutWaitingForItsLease() =>
        KillMidDeliveryThenRestartAsync(TestDialect.Sqlite, sendTimeoutSeconds: 60, deliveredWithin: TimeSpan.FromSeconds(30));

    private static async Task KillMidDeliveryThenRestartAsync(TestDialect dialect, int sendTimeoutSeconds, TimeSpan deliveredWithin)
    {
        var directory = Directory.CreateTempSubdirectory("tributary-webhook-crash-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, FaultTestKit.Config, Token);
        var databaseUrl = dialect == TestDialect.Postgres ? await TestPostgres.CreateDatabaseAsync(Token) : null;
        var key = Guid.NewGuid().ToString();
        var environment = new Dictionary<string, string> { [WebhookOptions.TimeoutSetting] = sendTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Token);
        receiver.Mode = ReceiverMode.Hang;
        string runId;
        await using (var doomed = await ServerProcess.StartAsync(Path.Combine(directory, "data"), config, key, databaseUrl, environment, Token))
        {
            using var client = new TributaryClient(doomed.BaseUrl, key);
            await client.SendAsync(HttpMethod.Patch, "environment/webhook-settings", new JsonObject { ["primary_url"] = receiver.Url }, null, Token);
            await CreateAsync(client, "acme", records: 10, batchSize: 10, delayMs: 0);
            runId = await TriggerAsync(client, "acme");
            Assert.Equal("succeeded", (string?)(await WaitForFinalAsync(client, runId, TimeSpan.FromSeconds(60)))["state"]);
            await Eventually.TrueAsync(_ => Task.FromResult(receiver.Attempts >= 1), TimeSpan.FromSeconds(30), "the worker to be sending the webhook", Token);
            await doomed.KillAsync();
        }

        receiver.Mode = ReceiverMode.Accept;
        await using var survivor = await ServerProcess.StartAsync(Path.Combine(directory, "data"), config, key, databaseUrl, environment, Token);
        using var survivorClient = new TributaryClient(survivor.BaseUrl, key);
        var delivered = await Eventually.ValueAsync(
            async token => (await survivorClient.SendAsync(HttpMethod.Get, $"webhooks/deliveries?run_id={runId}", null, null, token))!["deliveries"]!.AsArray(),
            rows => rows!.Count == 1 && (string?)rows[0]!["state"] == "delivered",
            deliveredWithin,
            $"the delivery of run {runId} to be delivered after the restart",
            Token);

        var webhook = Assert.Single(receiver.Accepted);
        Assert.Equal(runId, (string?)JsonNode.Parse(webhook.Body)!["tributaryRunId"]);
        Assert.Equal(2, (int)delivered![0]!["attempts"]!);
        Directory.Delete(directory, recursive: true);
    }
}
