using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Tributary.Client;
using Tributary.Testing;
using static Tributary.Server.Tests.Process.FaultTestKit;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// The database goes away in the middle of a run of a real <c>tributary serve</c>: PostgreSQL is stopped and
/// started again, or another process holds SQLite's write lock past the busy timeout. The run's lease survives
/// (a failed heartbeat is retried, never the end of heartbeating), no live run is reaped, no run fails from the
/// outage, and the records come out exactly as a run without an outage writes them.
/// </summary>
[Trait("Category", "Fault")]
public sealed class DatabaseOutageTests
{
    /// <summary>SQLite's busy timeout in <c>Storage/Sql/Database.cs</c> (the write gate waits as long).</summary>
    private static readonly TimeSpan SqliteBusyTimeout = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SqliteWriteLockHeldPastTheBusyTimeout_NoRunFailsOrIsReaped_AndRecordsAreExact()
    {
        var directory = Directory.CreateTempSubdirectory("tributary-sqlite-lock-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, Config, Token);
        var dataDir = Path.Combine(directory, "data");
        var key = Guid.NewGuid().ToString();

        // The lease outlives the lock (a heartbeat cannot write while it is held): only a lost lease may stop a run.
        await using var server = await ServerProcess.StartAsync(dataDir, config, key, null, Token, "--lease-seconds", "60");
        using var client = new TributaryClient(server.BaseUrl, key);
        await CreateAsync(client, "locked", records: 300, batchSize: 10, delayMs: 150);
        await CreateAsync(client, "reference", records: 300, batchSize: 10, delayMs: 0);
        var runId = await TriggerAsync(client, "locked");
        await WaitForRecordsAsync(client, "locked", atLeast: 30);

        await using (var holder = new SqliteConnection($"Data Source={Path.Combine(dataDir, "tributary.db")};Pooling=False;Default Timeout=60"))
        {
            await holder.OpenAsync(Token);
            await using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            await begin.ExecuteNonQueryAsync(Token);
            await Task.Delay(SqliteBusyTimeout + TimeSpan.FromSeconds(3), TimeProvider.System, Token);
            await using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            await rollback.ExecuteNonQueryAsync(Token);
        }

        await AssertRecoveredAsync(server, client, runId, "locked");
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task PostgresStoppedAndStartedAgainMidRun_NoRunFailsOrIsReaped_AndRecordsAreExact()
    {
        await using var postgres = await DedicatedPostgres.StartAsync(Token);
        var directory = Directory.CreateTempSubdirectory("tributary-pg-restart-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, Config, Token);
        var key = Guid.NewGuid().ToString();

        // Heartbeats every 5 s: a 7 s outage makes at least one fail; the 15 s lease outlives the outage.
        await using var server = await ServerProcess.StartAsync(Path.Combine(directory, "data"), config, key, postgres.ConnectionString, Token, "--lease-seconds", "15");
        using var client = new TributaryClient(server.BaseUrl, key);
        await CreateAsync(client, "restarted", records: 300, batchSize: 10, delayMs: 200);
        await CreateAsync(client, "reference", records: 300, batchSize: 10, delayMs: 0);
        var runId = await TriggerAsync(client, "restarted");
        await WaitForRecordsAsync(client, "restarted", atLeast: 30);

        await postgres.StopAsync(Token);
        await Task.Delay(TimeSpan.FromSeconds(7), TimeProvider.System, Token);
        await postgres.StartAgainAsync(Token);

        await AssertRecoveredAsync(server, client, runId, "restarted");
        Assert.Matches(new Regex($"Heartbeat of run {runId} failed"), server.Output);
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The interrupted run succeeds on its first attempt with exactly the reference's records; nothing was reaped or failed.</summary>
    private static async Task AssertRecoveredAsync(ServerProcess server, TributaryClient client, string runId, string connectionId)
    {
        var run = await WaitForFinalAsync(client, runId, TimeSpan.FromSeconds(45));
        Assert.True((string?)run["state"] == "succeeded", $"{(string?)run["error"]}\n{server.Output}");

        // Attempt 1: the lease was never reaped (a reaped run is claimed again as attempt 2), and a hand-back after
        // a transient error gave its attempt back.
        Assert.Equal(1, (int)run["attempts"]!);
        Assert.Equal(300, (int)run["result"]!["Deal"]!["added"]!);
        Assert.DoesNotContain("whose lease expired", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"Run {runId}: its lease expired", server.Output, StringComparison.Ordinal);

        // A heartbeat that failed must have recovered (or the run gone back to the queue while holding its lease).
        if (server.Output.Contains($"Heartbeat of run {runId} failed", StringComparison.Ordinal))
        {
            Assert.Matches(new Regex($"Heartbeat of run {runId} recovered|Run {runId} is back in the queue"), server.Output);
        }

        var reference = await WaitForFinalAsync(client, await TriggerAsync(client, "reference"), TimeSpan.FromSeconds(30));
        Assert.Equal("succeeded", (string?)reference["state"]);
        var expected = await PayloadsAsync(client, "reference");
        Assert.Equal(300, expected.Count);
        Assert.Equal(expected, await PayloadsAsync(client, connectionId));
        Assert.Empty(await FailedRunsAsync(client));
    }
}
