using Tributary.Client;
using Tributary.Testing;
using static Tributary.Server.Tests.Process.FaultTestKit;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// A rolling deploy: SIGTERM to a real <c>tributary serve</c> with runs in progress. The runs are back in the queue
/// within the drain (<c>EngineOptions.ShutdownGrace</c>, 10 s), their attempt unused, and another process finishes
/// them from their checkpoints.
/// </summary>
[Trait("Category", "Fault")]
public sealed class GracefulShutdownTests
{
    /// <summary>The drain, and a margin for the process to start stopping and hand its runs back.</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Sigterm_HandsRunningRunsBackWithinTheDrain_WithoutUsingAnAttempt_AndAnotherProcessFinishesThem(TestDialect dialect)
    {
        var directory = Directory.CreateTempSubdirectory("tributary-sigterm-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, Config, Token);
        var databaseUrl = dialect == TestDialect.Postgres ? await TestPostgres.CreateDatabaseAsync(Token) : null;
        var dataDir = Path.Combine(directory, "data");
        var key = Guid.NewGuid().ToString();

        // 40 batches 400 ms apart: about 16 s of work, so neither run can finish within the 10 s drain.
        string[] runIds;
        await using (var stopping = await ServerProcess.StartAsync(dataDir, config, key, databaseUrl, Token))
        {
            using var client = new TributaryClient(stopping.BaseUrl, key);
            await CreateAsync(client, "first", records: 400, batchSize: 10, delayMs: 400);
            await CreateAsync(client, "second", records: 400, batchSize: 10, delayMs: 400);
            await CreateAsync(client, "reference", records: 400, batchSize: 10, delayMs: 0);
            runIds = [await TriggerAsync(client, "first"), await TriggerAsync(client, "second")];
            await WaitForRecordsAsync(client, "first", atLeast: 20);
            await WaitForRecordsAsync(client, "second", atLeast: 20);

            var exitedAfter = await stopping.TerminateAsync(Drain + Margin, Token);

            Assert.True(exitedAfter is not null, $"serve did not exit within {Drain + Margin} of SIGTERM:\n{stopping.Output}");
            Assert.True(exitedAfter >= Drain - TimeSpan.FromSeconds(1), $"serve exited after {exitedAfter}, before its drain:\n{stopping.Output}");
            foreach (var runId in runIds)
            {
                Assert.Contains($"Run {runId} handed back to the queue on shutdown.", stopping.Output, StringComparison.Ordinal);
            }
        }

        foreach (var runId in runIds)
        {
            var (state, attempt, owner) = await ReadRunAsync(databaseUrl, dataDir, runId);
            Assert.Equal("queued", state);
            Assert.Equal(0, attempt);
            Assert.Null(owner);
        }

        await using var successor = await ServerProcess.StartAsync(dataDir, config, key, databaseUrl, Token);
        using var successorClient = new TributaryClient(successor.BaseUrl, key);
        var reference = await WaitForFinalAsync(successorClient, await TriggerAsync(successorClient, "reference"), TimeSpan.FromSeconds(30));
        Assert.Equal("succeeded", (string?)reference["state"]);
        var expected = await PayloadsAsync(successorClient, "reference");
        Assert.Equal(400, expected.Count);
        foreach (var (runId, connection) in runIds.Zip(["first", "second"]))
        {
            var run = await WaitForFinalAsync(successorClient, runId, TimeSpan.FromSeconds(30));
            Assert.True((string?)run["state"] == "succeeded", (string?)run["error"]);
            Assert.Equal(1, (int)run["attempts"]!);
            Assert.Equal(400, (int)run["result"]!["Deal"]!["added"]!);
            Assert.Equal(expected, await PayloadsAsync(successorClient, connection));
        }

        Directory.Delete(directory, recursive: true);
    }
}
