using System.Data.Common;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Npgsql;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Server.Tests.Process;

/// <summary>What the fault tests share: one sample-data sync, its connections, runs and records, and the run rows as stored.</summary>
internal static class FaultTestKit
{
    public const string Config = """
        integrations:
          demo:
            provider: sample-data
            syncs:
              deals:
                function: sample-data
                models: [Deal]
                frequency: every 1h
                auto_start: false
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A sample-data connection; <paramref name="delayMs"/> paces the run and does not change its records.</summary>
    public static Task<JsonNode?> CreateAsync(TributaryClient client, string connectionId, int records, int batchSize, int delayMs) =>
        client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "demo",
                ["connection_id"] = connectionId,
                ["credentials"] = new JsonObject { ["type"] = "NONE" },
                ["metadata"] = new JsonObject { ["records"] = records, ["batch_size"] = batchSize, ["delay_ms_per_batch"] = delayMs, ["seed"] = 11 },
            },
            Token);

    public static async Task<string> TriggerAsync(TributaryClient client, string connectionId)
    {
        var response = await client.TriggerAsync(
            new JsonObject { ["provider_config_key"] = "demo", ["connection_id"] = connectionId, ["syncs"] = new JsonArray("deals") },
            Token);
        return (string)response!["runs"]![0]!["run_id"]!;
    }

    public static Task<int> WaitForRecordsAsync(TributaryClient client, string connectionId, int atLeast) =>
        Eventually.ValueAsync(
            async token => (await client.RecordsAsync("demo", connectionId, "Deal", null, 1000, token))!["records"]!.AsArray().Count,
            count => count >= atLeast,
            TimeSpan.FromSeconds(60),
            $"at least {atLeast} Deal records of {connectionId}",
            Token,
            TimeSpan.FromMilliseconds(50));

    public static Task<JsonNode> WaitForFinalAsync(TributaryClient client, string runId, TimeSpan within) =>
        Eventually.ValueAsync(
            async token => (await client.GetRunAsync(runId, token))!,
            run => (string?)run["state"] is "succeeded" or "failed" or "cancelled",
            within,
            $"run {runId} to finish",
            Token,
            TimeSpan.FromMilliseconds(100));

    /// <summary>Every live record's payload by id (metadata left out: timestamps differ between runs by design).</summary>
    public static async Task<SortedDictionary<string, string>> PayloadsAsync(TributaryClient client, string connectionId)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var page = (await client.RecordsAsync("demo", connectionId, "Deal", cursor, 1000, Token))!;
            foreach (var record in page["records"]!.AsArray())
            {
                var copy = record!.AsObject().DeepClone().AsObject();
                copy.Remove("_nango_metadata");
                result[(string)copy["id"]!] = copy.ToJsonString();
            }

            cursor = (string?)page["next_cursor"];
        }
        while (cursor is not null);
        return result;
    }

    /// <summary>The run as stored, read by this test process itself (no server needs to be up).</summary>
    public static async Task<(string State, long Attempt, string? LeaseOwner)> ReadRunAsync(string? databaseUrl, string dataDir, string runId)
    {
        await using DbConnection connection = databaseUrl is not null
            ? new NpgsqlConnection(databaseUrl)
            : new SqliteConnection($"Data Source={Path.Combine(dataDir, "tributary.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT state, attempt, lease_owner FROM runs WHERE id = {long.Parse(runId, System.Globalization.CultureInfo.InvariantCulture)}";
        await using var reader = await command.ExecuteReaderAsync(Token);
        Assert.True(await reader.ReadAsync(Token), $"run {runId} is not stored");
        return (reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    /// <summary>Runs that failed, with their errors: a transient storage error must never be one.</summary>
    public static async Task<IReadOnlyList<string>> FailedRunsAsync(TributaryClient client)
    {
        var runs = (await client.SendAsync(HttpMethod.Get, "runs?limit=1000", null, null, Token))!["runs"]!.AsArray();
        return [.. runs.Where(r => (string?)r!["state"] == "failed").Select(r => $"run {(string?)r!["id"]}: {(string?)r["error"]}")];
    }
}
