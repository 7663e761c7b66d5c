using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tributary.Client;
using Tributary.Core.Credentials;
using Tributary.FakeProviders;
using Tributary.Testing;
using static Tributary.Server.Tests.Process.ProviderProcessKit;

namespace Tributary.Server.Tests.Process;

/// <summary>
/// Token refresh across real processes (issue 10): two <c>tributary serve --role worker</c> processes on one
/// PostgreSQL run 100 syncs of one connection at once and share one token request; a failing refresh marks the
/// connection and fails the runs with the provider's answer; the next successful refresh clears the mark.
/// </summary>
public sealed partial class RefreshSingleFlightTests
{
    private const int Runs = 100;
    private const string ConnectionId = "shared";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    [Trait("Category", "Postgres")]
    public async Task HundredRunsOnTwoWorkerProcesses_CauseOneTokenRequest_AFailureMarksTheConnection_AndTheNextSuccessClearsIt()
    {
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { GitHubRateLimit = 100_000 }, Token);
        var directory = Directory.CreateTempSubdirectory("tributary-refresh-").FullName;
        var config = await WriteConfigAsync(directory, fakes);
        var databaseUrl = await TestPostgres.CreateDatabaseAsync(Token);
        var key = Guid.NewGuid().ToString();
        var environment = Environment(NewEncryptionKey());
        await using var api = await ServerProcess.StartAsync(Path.Combine(directory, "api"), config, key, databaseUrl, environment, Token, "--role", "api");
        await using var first = await ServerProcess.StartAsync(Path.Combine(directory, "w1"), config, key, databaseUrl, environment, Token, "--role", "worker", "--worker-slots", "60");
        await using var second = await ServerProcess.StartAsync(Path.Combine(directory, "w2"), config, key, databaseUrl, environment, Token, "--role", "worker", "--worker-slots", "60");
        using var client = new TributaryClient(api.BaseUrl, key);
        var imported = fakes.OAuth.IssueTokens();
        await ImportAsync(client, ConnectionId, imported, TimeProvider.System.GetUtcNow().AddMinutes(-5));
        var syncs = await CreateVariantsAsync(client);

        // 1. The token expired before any run: 100 runs at once, one refresh, shared by both processes.
        fakes.OAuth.ResetTokenRequestCounts();
        var runs = await TriggerAllAsync(client, syncs);

        Assert.All(runs, r => Assert.True((string?)r!["state"] == "succeeded", (string?)r["error"]));
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        var processes = await ProcessesThatRanAsync(client, runs);
        Assert.True(processes.Count == 2, $"the runs ran in {processes.Count} worker process(es) ({string.Join(", ", processes)}), not in both");
        var refreshed = await GetConnectionAsync(client, ConnectionId);
        Assert.Empty(refreshed["errors"]!.AsArray());
        Assert.NotEqual(imported.AccessToken, (string?)refreshed["credentials"]!["access_token"]);

        // 2. The token expires again and the provider refuses to refresh: one failing request, every run fails
        // saying what the provider answered, the connection carries the error and keeps its credentials.
        var expiring = await ExpireSoonAsync(client, fakes);
        fakes.OAuth.RefreshFailure = RefreshFailure.InvalidGrant;
        fakes.OAuth.ResetTokenRequestCounts();
        runs = await TriggerAllAsync(client, syncs);

        Assert.All(runs, r =>
        {
            Assert.Equal("failed", (string?)r!["state"]);
            Assert.Contains("invalid_grant", (string?)r["error"], StringComparison.Ordinal);
        });
        var refusedRequests = fakes.OAuth.TokenRequestCount("refresh_token");
        Assert.True(refusedRequests == 1, $"{refusedRequests} refresh requests, not 1; what each process logged about refreshing:\n{RefreshLines(api, first, second)}");
        var marked = await GetConnectionAsync(client, ConnectionId);
        var error = Assert.Single(marked["errors"]!.AsArray())!;
        Assert.Equal("auth", (string?)error["type"]);
        Assert.Contains("400", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("invalid_grant", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(1, (int)error["attempts"]!);
        Assert.NotNull((string?)error["last_failure_at"]);
        Assert.Equal(expiring, (string?)marked["credentials"]!["access_token"]);

        // 3. The provider recovers: after the failure cooldown (during which runs fail fast without asking it),
        // the next runs refresh once, all succeed, and the mark is gone.
        fakes.OAuth.RefreshFailure = RefreshFailure.None;
        fakes.OAuth.AccessTokenLifetime = TimeSpan.FromHours(1);
        // A deliberate pause, not a poll: the cooldown is a fixed span from the failure, measured by the servers.
        await Task.Delay(ConnectionCredentials.FailureCooldown + TimeSpan.FromSeconds(1), TimeProvider.System, Token);
        fakes.OAuth.ResetTokenRequestCounts();
        runs = await TriggerAllAsync(client, syncs);

        Assert.All(runs, r => Assert.True((string?)r!["state"] == "succeeded", (string?)r["error"]));
        Assert.Equal(1, fakes.OAuth.TokenRequestCount("refresh_token"));
        var cleared = await GetConnectionAsync(client, ConnectionId);
        Assert.Empty(cleared["errors"]!.AsArray());
        Assert.True(fakes.OAuth.IsAccessTokenValid((string)cleared["credentials"]!["access_token"]!));
        Assert.Contains("Tributary listening", first.Output, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The base sync and 99 variants of it: 100 syncs of the one connection, each its own run.</summary>
    private static async Task<JsonArray> CreateVariantsAsync(TributaryClient client)
    {
        var syncs = new JsonArray(Sync);
        for (var i = 1; i < Runs; i++)
        {
            var variant = $"v{i:00}";
            await client.SendAsync(
                HttpMethod.Post,
                $"sync/{Sync}/variant/{variant}",
                new JsonObject { ["provider_config_key"] = Integration, ["connection_id"] = ConnectionId },
                null,
                Token);
            syncs.Add(new JsonObject { ["name"] = Sync, ["variant"] = variant });
        }

        return syncs;
    }

    /// <summary>One trigger for all 100 syncs: the runs are queued in one statement and claimed by both workers at once.</summary>
    private static async Task<JsonArray> TriggerAllAsync(TributaryClient client, JsonArray syncs)
    {
        var trigger = await client.TriggerAsync(
            new JsonObject { ["provider_config_key"] = Integration, ["connection_id"] = ConnectionId, ["syncs"] = syncs.DeepClone() },
            Token);
        return await WaitForBatchAsync(client, trigger!, Runs, TimeSpan.FromSeconds(120));
    }

    /// <summary>
    /// A forced refresh while the fake issues one-second tokens: the stored token is then inside the expiry buffer
    /// (the next run must refresh), and the test waits until the fake refuses it too. Returns that token.
    /// </summary>
    private static async Task<string> ExpireSoonAsync(TributaryClient client, FakeProviders.FakeProviders fakes)
    {
        fakes.OAuth.AccessTokenLifetime = TimeSpan.FromSeconds(1);
        var forced = await GetConnectionAsync(client, ConnectionId, "&force_refresh=true");
        var token = (string)forced["credentials"]!["access_token"]!;
        await Eventually.TrueAsync(
            _ => Task.FromResult(!fakes.OAuth.IsAccessTokenValid(token)),
            TimeSpan.FromSeconds(10),
            "the one-second access token to expire at the fake",
            Token);
        return token;
    }

    /// <summary>The worker processes the probe function reported running in, read from each run's log.</summary>
    private static async Task<HashSet<string>> ProcessesThatRanAsync(TributaryClient client, JsonArray runs)
    {
        var processes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var log = await RunLogAsync(client, (string)run!["id"]!);
            var match = ProcessLine().Match(log);
            Assert.True(match.Success, $"run {(string?)run["id"]} logged no process id:\n{log}");
            processes.Add(match.Groups[1].Value);
        }

        return processes;
    }

    /// <summary>Every line the processes logged about refreshing credentials, to tell which one asked the provider twice.</summary>
    private static string RefreshLines(params ServerProcess[] processes) =>
        string.Join(
            '\n',
            processes.SelectMany((process, index) => process.Output
                .Split('\n')
                .Where(line => line.Contains("credentials of connection", StringComparison.Ordinal) || line.Contains("Connection refresh", StringComparison.Ordinal))
                .Select(line => $"[{(index == 0 ? "api" : $"worker {index}")}] {line.Trim()}")));

    [GeneratedRegex("Probe ran in process (\\d+)")]
    private static partial Regex ProcessLine();
}
