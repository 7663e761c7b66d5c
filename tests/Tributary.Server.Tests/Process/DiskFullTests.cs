using System.Globalization;
using Microsoft.Data.Sqlite;
using Tributary.Client;
using Tributary.Storage.Sql;
using Tributary.Testing;
using static Tributary.Server.Tests.Process.FaultTestKit;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// The disk under SQLite's data folder fills up (a small tmpfs and a filler file) while a real
/// <c>tributary serve</c> writes: in the middle of an ingest, and at the end of a run, when its closing writes
/// (the final checkpoint and the completion) are made. The run is retried, never failed and never half-written:
/// the records cache holds exactly the batches that committed, the database passes its integrity check, and when
/// the space comes back the same process finishes the run, answers /health and runs a new trigger, without a restart.
/// </summary>
/// <remarks>
/// <para>
/// SQLite only: on PostgreSQL a full disk is the database server's own condition (it refuses the write with SQLSTATE
/// 53100, which the engine already treats as transient, and PostgreSQL's own recovery is PostgreSQL's business).
/// The data folder of a Tributary process on PostgreSQL holds only the encryption key.
/// </para>
/// <para>
/// While the disk is full the test keeps a read transaction open on the database. SQLite then cannot restart its
/// write-ahead log at the beginning, so every write must grow it and fails at once: the worst case of a full disk
/// (without the reader, small writes may still fit in the log's already allocated space for a while).
/// </para>
/// </remarks>
[Trait("Category", "Fault")]
public sealed class DiskFullTests
{
    private const int DiskMegabytes = 48;
    private const int BatchSize = 200;

    /// <summary>About 20 s of ingest at 150 ms a batch: the disk fills long before the run could end.</summary>
    private const int IngestRecords = 20_000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DiskFullDuringABatch_TheRunIsRetriedWithAClearError_NothingHalfWritten_AndTheServerRecoversWhenSpaceReturns()
    {
        await using var disk = await SmallDisk.MountAsync(DiskMegabytes, Token);
        var (config, key) = await WriteConfigAsync();
        var data = Path.Combine(disk.Path, "data");
        await using var server = await ServerProcess.StartAsync(data, config, key, null, Token, "--lease-seconds", "30");
        using var client = new TributaryClient(server.BaseUrl, key);
        await CreateAsync(client, "filling", records: IngestRecords, batchSize: BatchSize, delayMs: 150);
        var runId = await TriggerAsync(client, "filling");
        await WaitForRecordsAsync(client, "filling", atLeast: 3 * BatchSize);

        await using (var pin = await PinTheLogAsync(data))
        {
            await disk.FillAsync(Token);
            await WaitForFullDiskErrorAsync(server);

            // Retried, not failed; and what the cache holds while the disk is full is whole batches only.
            var stored = await AssertWholeBatchesAsync(data, "filling");
            Assert.True(stored < IngestRecords, $"the run had stored all {stored} records before the disk was full");
            var during = await client.GetRunAsync(runId, Token);
            Assert.True((string?)during!["state"] is "queued" or "running", $"a full disk must not end the run: {during}");
        }

        disk.Free();
        await AssertRecoveredAsync(server, client, key, data, runId, "filling", IngestRecords);
    }

    [Fact]
    public async Task DiskFullAtTheEndOfARun_ItsClosingWritesAreRetried_NothingHalfWritten_AndTheServerRecoversWhenSpaceReturns()
    {
        await using var disk = await SmallDisk.MountAsync(DiskMegabytes, Token);
        var (config, key) = await WriteConfigAsync();
        var data = Path.Combine(disk.Path, "data");
        await using var server = await ServerProcess.StartAsync(data, config, key, null, Token, "--lease-seconds", "30");
        using var client = new TributaryClient(server.BaseUrl, key);

        // One batch, then a pause of 3 s before the function returns: the disk fills in that pause, so the next
        // writes of the run are its last ones (the final checkpoint, then the completion; which of them meets the
        // full disk first depends on when the filler takes the last page). Either way the run must finish once,
        // with its own result: a run handed back after its final checkpoint would run the function again and
        // write a second generation of records nobody asked for (the engine retries a completion in place).
        await CreateAsync(client, "closing", records: BatchSize, batchSize: BatchSize, delayMs: 3_000);
        var runId = await TriggerAsync(client, "closing");
        await WaitForRecordsAsync(client, "closing", atLeast: BatchSize);

        await using (var pin = await PinTheLogAsync(data))
        {
            await disk.FillAsync(Token);
            await WaitForFullDiskErrorAsync(server);
            var during = await client.GetRunAsync(runId, Token);
            Assert.True((string?)during!["state"] is "queued" or "running", $"a run whose completion could not be written must not read as finished: {during}");
            await AssertWholeBatchesAsync(data, "closing");
        }

        disk.Free();
        await AssertRecoveredAsync(server, client, key, data, runId, "closing", BatchSize);
    }

    private static async Task<(string Config, string Key)> WriteConfigAsync()
    {
        // The configuration lives outside the small disk: only the data folder is on it.
        var directory = Directory.CreateTempSubdirectory("tributary-full-disk-config-").FullName;
        var config = Path.Combine(directory, "tributary.yaml");
        await File.WriteAllTextAsync(config, Config, Token);
        return (config, Guid.NewGuid().ToString());
    }

    /// <summary>A read transaction that keeps SQLite from restarting its write-ahead log (see the class remarks).</summary>
    private static async Task<SqliteConnection> PinTheLogAsync(string data)
    {
        var reader = new SqliteConnection($"Data Source={Path.Combine(data, DatabaseFactory.SqliteFileName)};Mode=ReadOnly;Pooling=False");
        await reader.OpenAsync(Token);
        await using var command = reader.CreateCommand();
        command.CommandText = "BEGIN; SELECT count(*) FROM runs;";
        await command.ExecuteScalarAsync(Token);
        return reader;
    }

    /// <summary>The server says, in words an operator understands, that the disk is full and the run will be retried.</summary>
    private static Task WaitForFullDiskErrorAsync(ServerProcess server) =>
        Eventually.TrueAsync(
            _ => Task.FromResult(server.Output.Contains("database or disk is full", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "the server to report SQLite's 'database or disk is full'",
            Token);

    /// <summary>
    /// The records cache holds a whole number of batches, each with every one of its records: the stored ids are
    /// exactly the first N of the function's sequence with N a multiple of the batch size, and the database file
    /// passes SQLite's integrity check.
    /// </summary>
    private static async Task<int> AssertWholeBatchesAsync(string data, string connectionId)
    {
        await using var sqlite = new SqliteConnection($"Data Source={Path.Combine(data, DatabaseFactory.SqliteFileName)};Mode=ReadOnly;Pooling=False");
        await sqlite.OpenAsync(Token);
        await using var command = sqlite.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string?)await command.ExecuteScalarAsync(Token));
        command.CommandText = """
            SELECT count(*) FROM records r JOIN connections c ON c.id = r.connection_id WHERE c.connection_id = @c
            """;
        command.Parameters.AddWithValue("@c", connectionId);
        var count = Convert.ToInt32(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
        Assert.True(count % BatchSize == 0, $"{count} records of {connectionId} are stored: not a whole number of {BatchSize}-record batches");
        return count;
    }

    /// <summary>The same process, once the space is back: the run finishes exactly, /health answers, a new trigger succeeds.</summary>
    private static async Task AssertRecoveredAsync(ServerProcess server, TributaryClient client, string key, string data, string runId, string connectionId, int records)
    {
        var run = await WaitForFinalAsync(client, runId, TimeSpan.FromSeconds(90));
        Assert.True((string?)run["state"] == "succeeded", $"{run}\n{server.Output}");
        Assert.Equal(records, (int)run["result"]!["Deal"]!["added"]!);
        Assert.Equal(records, (await PayloadsAsync(client, connectionId)).Count);
        Assert.Equal(records, await AssertWholeBatchesAsync(data, connectionId));

        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        Assert.Equal("""{"status":"ok"}""", await http.GetStringAsync(new Uri("health", UriKind.Relative), Token));
        var next = await WaitForFinalAsync(client, await TriggerAsync(client, connectionId), TimeSpan.FromSeconds(60));
        Assert.True((string?)next["state"] == "succeeded", next.ToJsonString());
        Assert.Empty(await FailedRunsAsync(client));
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, server.Output, StringComparison.Ordinal);
    }
}
