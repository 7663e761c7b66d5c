using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;
using static Tributary.Server.Tests.Process.FaultTestKit;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// Crash safety with real processes: a worker killed mid-run (SIGKILL) loses nothing, and several worker
/// processes on one PostgreSQL never execute a run twice.
/// </summary>
public sealed class WorkerCrashTests
{
    /// <summary>The fault tests' one sample-data sync (<see cref="FaultTestKit.Config"/>).</summary>
    private const string Config = FaultTestKit.Config;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task KilledWorker_RunIsRequeuedAfterLeaseExpiry_ResumesFromCheckpoint_AndEndsWithTheSameRecords(TestDialect dialect)
    {
        var directory = Directory.CreateTempSubdirectory("tributary-crash-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, Config, Token);
        var databaseUrl = dialect == TestDialect.Postgres ? await TestPostgres.CreateDatabaseAsync(Token) : null;
        var key = Guid.NewGuid().ToString();
        var metadata = new JsonObject { ["records"] = 600, ["batch_size"] = 20, ["delay_ms_per_batch"] = 40, ["seed"] = 7 };
        string runId;
        await using (var doomed = await ServerProcess.StartAsync(Path.Combine(directory, "data"), config, key, databaseUrl, Token, "--lease-seconds", "2"))
        {
            using var client = new TributaryClient(doomed.BaseUrl, key);
            await CreateAsync(client, "crashed", metadata);
            await CreateAsync(client, "steady", metadata);
            runId = await TriggerAsync(client, "crashed");
            await WaitForRecordsAsync(client, "crashed", atLeast: 100);
            await doomed.KillAsync();
        }

        // The dead worker's 2 s lease is what the survivor waits out; the survivor's own runs hold longer leases, so
        // a slow heartbeat on a loaded machine cannot have one of them reaped and count a third attempt.
        await using var survivor = await ServerProcess.StartAsync(Path.Combine(directory, "data"), config, key, databaseUrl, Token, "--lease-seconds", "10");
        using var survivorClient = new TributaryClient(survivor.BaseUrl, key);
        var resumed = await WaitForFinalAsync(survivorClient, runId);
        var steady = await WaitForFinalAsync(survivorClient, await TriggerAsync(survivorClient, "steady"));

        Assert.Equal("succeeded", (string?)resumed["state"]);
        Assert.Equal(2, (int)resumed["attempts"]!);
        Assert.Equal(600, (int)resumed["result"]!["Deal"]!["added"]!);
        Assert.Equal("succeeded", (string?)steady["state"]);
        var crashedRecords = await PayloadsAsync(survivorClient, "crashed");
        var steadyRecords = await PayloadsAsync(survivorClient, "steady");
        Assert.Equal(600, crashedRecords.Count);
        Assert.Equal(steadyRecords, crashedRecords);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task TwoWorkerProcessesOnPostgres_NeverExecuteTheSameRunTwice()
    {
        var directory = Directory.CreateTempSubdirectory("tributary-workers-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, Config, Token);
        var databaseUrl = await TestPostgres.CreateDatabaseAsync(Token);
        var key = Guid.NewGuid().ToString();

        // Processes that share a database must share the credentials key (each would otherwise generate its own).
        var shared = new Dictionary<string, string> { ["TRIBUTARY_ENCRYPTION_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
        await using var api = await ServerProcess.StartAsync(Path.Combine(directory, "api"), config, key, databaseUrl, shared, Token, "--role", "api");
        await using var first = await ServerProcess.StartAsync(Path.Combine(directory, "w1"), config, key, databaseUrl, shared, Token, "--role", "worker", "--worker-slots", "4", "--poll-ms", "30000");
        await using var second = await ServerProcess.StartAsync(Path.Combine(directory, "w2"), config, key, databaseUrl, shared, Token, "--role", "worker", "--worker-slots", "4", "--poll-ms", "30000");
        using var client = new TributaryClient(api.BaseUrl, key);
        for (var i = 0; i < 40; i++)
        {
            await CreateAsync(client, $"c{i}", new JsonObject { ["records"] = 30, ["batch_size"] = 10, ["delay_ms_per_batch"] = 5 });
        }

        // Workers poll only every 30 s here: a batch finishing well within that proves the API process's
        // NOTIFY woke them (the workers' first poll was at their start, before any run was queued).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var trigger = await client.TriggerAsync(new JsonObject { ["provider_config_key"] = "demo", ["syncs"] = new JsonArray("deals") }, Token);
        var batchId = (string?)trigger!["batch_id"];
        var runs = await Eventually.ValueAsync(
            async token => (await client.SendAsync(HttpMethod.Get, $"runs?batch_id={batchId}&limit=1000", null, null, token))!["runs"]!.AsArray(),
            batch => batch.All(TestServer.IsFinal),
            TimeSpan.FromSeconds(90),
            $"every run of batch {batchId} to reach a final state",
            Token,
            TimeSpan.FromMilliseconds(200));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"the batch took {clock.Elapsed}: workers were not woken by NOTIFY");
        Assert.Equal(40, runs.Count);
        Assert.All(runs, r =>
        {
            Assert.True((string?)r!["state"] == "succeeded", (string?)r["error"]);
            Assert.Equal(1, (int)r["attempts"]!);
            Assert.Equal(30, (int)r["result"]!["Deal"]!["added"]!);
        });
        Assert.Contains("Tributary listening", first.Output, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    private static Task<JsonNode?> CreateAsync(TributaryClient client, string connectionId, JsonObject metadata) =>
        client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "demo",
                ["connection_id"] = connectionId,
                ["credentials"] = new JsonObject { ["type"] = "NONE" },
                ["metadata"] = metadata.DeepClone(),
            },
            Token);

    private static async Task<JsonNode> WaitForFinalAsync(TributaryClient client, string runId) =>
        (await Eventually.ValueAsync(
            token => client.GetRunAsync(runId, token),
            TestServer.IsFinal,
            TimeSpan.FromSeconds(90),
            $"run {runId} to reach a final state",
            Token,
            TimeSpan.FromMilliseconds(100)))!;
}
