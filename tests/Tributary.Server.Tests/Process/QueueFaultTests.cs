using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Tributary.Client;
using Tributary.Storage.Sql;
using Tributary.Testing;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// Fault tests of the run queue with real processes: kill -9 in a loop during a long ingest on SQLite, and two
/// workers on one PostgreSQL whose clocks disagree by minutes.
/// </summary>
public sealed class QueueFaultTests
{
    /// <summary><c>TRIBUTARY_FAULT_FULL=1</c> runs the full kill loop (20 kills, 300,000 records); otherwise the quick form.</summary>
    public const string FullVariable = "TRIBUTARY_FAULT_FULL";

    /// <summary>The fault tests' one sample-data sync (<see cref="FaultTestKit.Config"/>).</summary>
    private const string Config = FaultTestKit.Config;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static bool Full => Environment.GetEnvironmentVariable(FullVariable) == "1";

    [Fact]
    public async Task KillMinus9InALoop_DuringALongIngestOnSqlite_TheRunSucceedsWithExactRecordsAndChangeStream()
    {
        var (records, kills, batch) = Full ? (300_000, 20, 1000) : (30_000, 5, 500);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var directory = Directory.CreateTempSubdirectory("tributary-killloop-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, Config, Token);
        var data = Path.Combine(directory, "data");
        var key = Guid.NewGuid().ToString();
        var metadata = new JsonObject { ["records"] = records, ["batch_size"] = batch, ["delay_ms_per_batch"] = 100, ["seed"] = 11 };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string runId;
        var killed = 0;
        await using (var first = await ServerProcess.StartAsync(data, config, key, null, Token, "--lease-seconds", "30"))
        {
            using var client = new TributaryClient(first.BaseUrl, key);
            await client.CreateConnectionAsync(
                new JsonObject
                {
                    ["provider_config_key"] = "demo",
                    ["connection_id"] = "big",
                    ["credentials"] = new JsonObject { ["type"] = "NONE" },
                    ["metadata"] = metadata,
                },
                Token);
            var trigger = await client.TriggerAsync(
                new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = "big", ["syncs"] = new JsonArray("deals") }, Token);
            runId = (string)trigger!["runs"]![0]!["run_id"]!;
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 1500)), TimeProvider.System, Token);
            await first.KillAsync();
            killed++;
        }

        // A 30 s lease: without the restart's hand-back of a dead predecessor's runs each cycle would wait for it.
        while (killed < kills)
        {
            await using var process = await ServerProcess.StartAsync(data, config, key, null, Token, "--lease-seconds", "30");
            using var client = new TributaryClient(process.BaseUrl, key);

            // The restarted process has taken the run back (its new attempt is running), then runs a random while.
            var run = await Eventually.ValueAsync(
                token => client.GetRunAsync(runId, token),
                r => TestServer.IsFinal(r) || ((string?)r?["state"] == "running" && (int)r["attempts"]! > killed),
                TimeSpan.FromSeconds(20),
                $"run {runId} to be running its attempt {killed + 1}",
                Token,
                TimeSpan.FromMilliseconds(50));
            Assert.False(TestServer.IsFinal(run), $"the run ended after {killed} of {kills} kills (seed {seed}): {run}");
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(300, 1500)), TimeProvider.System, Token);
            await process.KillAsync();
            killed++;
        }

        JsonNode final;
        await using (var last = await ServerProcess.StartAsync(data, config, key, null, Token, "--lease-seconds", "30"))
        {
            using var lastClient = new TributaryClient(last.BaseUrl, key);
            final = (await Eventually.ValueAsync(
                token => lastClient.GetRunAsync(runId, token),
                TestServer.IsFinal,
                TimeSpan.FromMinutes(Full ? 10 : 3),
                $"run {runId} to reach a final state",
                Token,
                TimeSpan.FromMilliseconds(250)))!;

            Assert.True((string?)final["state"] == "succeeded", $"seed {seed}: {final}");
            Assert.True((int)final["attempts"]! > kills, $"every kill interrupted an attempt (seed {seed}): {final}");
            Assert.Equal(records, (int)final["result"]!["Deal"]!["added"]!);

            // The change stream from the start: every id exactly once, none missing.
            var ids = new List<string>(records);
            string? cursor = null;
            do
            {
                var page = (await lastClient.RecordsAsync("demo", "big", "Deal", cursor, 10_000, Token))!;
                ids.AddRange(page["records"]!.AsArray().Select(r => (string)r!["id"]!));
                cursor = (string?)page["next_cursor"];
            }
            while (cursor is not null);
            Assert.Equal(records, ids.Count);
            Assert.Equal(records, ids.Distinct(StringComparer.Ordinal).Count());
        }

        await using (var sqlite = new SqliteConnection($"Data Source={Path.Combine(data, DatabaseFactory.SqliteFileName)};Pooling=False"))
        {
            await sqlite.OpenAsync(Token);
            await using var check = sqlite.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync(Token));
            check.CommandText = "SELECT count(*) FROM records";
            Assert.Equal(records, Convert.ToInt32(await check.ExecuteScalarAsync(Token), System.Globalization.CultureInfo.InvariantCulture));
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"kill loop: {kills} kills, {records} records, {(int)final["attempts"]!} attempts, {clock.Elapsed.TotalSeconds:F1} s (seed {seed})");
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task ClockSkewBetweenTwoWorkersOnPostgres_NoLiveRunIsReaped_AndEachRunFinishesOnce()
    {
        var directory = Directory.CreateTempSubdirectory("tributary-skew-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, Config, Token);
        var databaseUrl = await TestPostgres.CreateDatabaseAsync(Token);
        var key = Guid.NewGuid().ToString();
        var shared = new Dictionary<string, string> { ["TRIBUTARY_ENCRYPTION_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
        var ahead = new Dictionary<string, string>(shared) { ["TRIBUTARY_TEST_CLOCK_OFFSET_SECONDS"] = "300" };
        var behind = new Dictionary<string, string>(shared) { ["TRIBUTARY_TEST_CLOCK_OFFSET_SECONDS"] = "-300" };
        await using var api = await ServerProcess.StartAsync(Path.Combine(directory, "api"), config, key, databaseUrl, shared, Token, "--role", "api");
        await using var fast = await ServerProcess.StartAsync(Path.Combine(directory, "w1"), config, key, databaseUrl, ahead, Token, "--role", "worker", "--worker-slots", "4", "--lease-seconds", "4");
        await using var slow = await ServerProcess.StartAsync(Path.Combine(directory, "w2"), config, key, databaseUrl, behind, Token, "--role", "worker", "--worker-slots", "4", "--lease-seconds", "4");
        using var client = new TributaryClient(api.BaseUrl, key);
        for (var i = 0; i < 8; i++)
        {
            await client.CreateConnectionAsync(
                new JsonObject
                {
                    ["provider_config_key"] = "demo",
                    ["connection_id"] = $"c{i}",
                    ["credentials"] = new JsonObject { ["type"] = "NONE" },
                    ["metadata"] = new JsonObject { ["records"] = 200, ["batch_size"] = 10, ["delay_ms_per_batch"] = 250 },
                },
                Token);
        }

        // Each run takes ~5 s, longer than a lease of 4 s: only heartbeats keep it, and each worker's reaper looks at
        // the other's leases with a clock five minutes off (4 s, not 2: with 2 s a heartbeat delayed ~1.3 s by a loaded
        // machine would lose the lease, skew or not, and fail the test for the wrong reason).
        var trigger = await client.TriggerAsync(new JsonObject { ["provider_config_key"] = "demo", ["syncs"] = new JsonArray("deals") }, Token);
        var batchId = (string?)trigger!["batch_id"];
        var runs = await Eventually.ValueAsync(
            async token => (await client.SendAsync(HttpMethod.Get, $"runs?batch_id={batchId}&limit=100", null, null, token))!["runs"]!.AsArray(),
            batch => batch.All(TestServer.IsFinal),
            TimeSpan.FromSeconds(120),
            $"every run of batch {batchId} to reach a final state",
            Token,
            TimeSpan.FromMilliseconds(250));

        Assert.Equal(8, runs.Count);
        Assert.All(runs, r =>
        {
            Assert.True((string?)r!["state"] == "succeeded", r.ToJsonString());
            Assert.True((int)r["attempts"]! == 1, $"a live run was reaped: {r.ToJsonString()}");
            Assert.Equal(200, (int)r["result"]!["Deal"]!["added"]!);
        });
        Assert.Contains("Tributary listening", fast.Output, StringComparison.Ordinal);
        Assert.Contains("Tributary listening", slow.Output, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }
}
