using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Core;
using Tributary.Core.Engine;
using Tributary.Core.Logs;
using Tributary.Server.Hosting;
using Tributary.Testing;

namespace Tributary.Server.Tests.Logs;

/// <summary><c>GET /runs/{id}/logs</c> through real runs on both databases: what a run's log holds, and what it never holds.</summary>
public sealed class RunLogTests
{
    private const string Token = ProviderFailFunction.Token;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static string Config(Uri providerUrl) => $$"""
        integrations:
          api:
            provider: loopback
            base_url: {{providerUrl}}
            syncs:
              failing:
                function: {{ProviderFailFunction.Name}}
                models: [Item]
                frequency: every 1h
                auto_start: false
              fine:
                function: {{ProviderOkFunction.Name}}
                models: [Item]
                frequency: every 1h
                auto_start: false
              chatty:
                function: {{ChattyFunction.Name}}
                models: [Item]
                frequency: every 1h
                auto_start: false
              stepped:
                function: {{SteppedFunction.Name}}
                models: [Item]
                frequency: every 1h
                auto_start: false
              ok:
                function: {{AlwaysOkFunction.Name}}
                models: [Item]
                frequency: every 1h
                auto_start: false
              stubborn:
                function: {{StubbornFunction.Name}}
                models: [Item]
                frequency: every 1h
                auto_start: false
        """;

    internal static Task<TestServer> StartAsync(TestDialect dialect, Uri providerUrl, Action<TributaryServerOptions>? options = null, Action<EngineOptions>? engine = null) =>
        TestServer.StartAsync(
            dialect,
            Ct,
            Config(providerUrl),
            engine: engine,
            services: s => s
                .AddSyncFunction<ProviderFailFunction>(ProviderFailFunction.Name)
                .AddSyncFunction<ProviderOkFunction>(ProviderOkFunction.Name)
                .AddSyncFunction<ChattyFunction>(ChattyFunction.Name)
                .AddSyncFunction<SteppedFunction>(SteppedFunction.Name)
                .AddSyncFunction<AlwaysOkFunction>(AlwaysOkFunction.Name)
                .AddSyncFunction<StubbornFunction>(StubbornFunction.Name),
            options: options);

    internal static Task<JsonNode?> ConnectAsync(TestServer server, string connectionId) =>
        server.Client.CreateConnectionAsync(
            new JsonObject
            {
                ["provider_config_key"] = "api",
                ["connection_id"] = connectionId,
                ["credentials"] = new JsonObject { ["type"] = "API_KEY", ["apiKey"] = Token },
            },
            Ct);

    internal static async Task<List<JsonNode>> ReadLogAsync(TestServer server, string runId)
    {
        var lines = new List<JsonNode>();
        string? cursor = null;
        for (var page = 0; page < 100; page++)
        {
            var answer = await server.Client.RunLogsAsync(runId, cursor, 1000, false, null, Ct);
            lines.AddRange(answer!["lines"]!.AsArray().Select(l => l!));
            cursor = (string?)answer["next_cursor"];
            if (!(bool)answer["has_more"]!)
            {
                return lines;
            }
        }

        throw new InvalidOperationException("The log did not end within 100 pages.");
    }

    private static string Text(IEnumerable<JsonNode> lines) => string.Join('\n', lines.Select(l => l.ToJsonString()));

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task FailedRun_LogShowsTheProvidersAnswerAndWhereTheFunctionThrew(TestDialect dialect)
    {
        await using var provider = await LoopbackProvider.StartAsync(Ct);
        await using var server = await StartAsync(dialect, provider.BaseUrl);
        await ConnectAsync(server, "acme");

        var runId = await server.TriggerAsync("acme", "failing", Ct, integration: "api");
        var run = await server.WaitForRunAsync(runId, Ct);
        var lines = await ReadLogAsync(server, runId);

        Assert.Equal("failed", (string?)run["state"]);
        var http = lines.Where(l => (string?)l["source"] == "http").Select(l => (string)l["message"]!).ToList();
        // One line per call the provider saw: the page, then the failing call and each retry of it (the provider
        // retry step retries a 500 up to its count before the function sees the answer).
        Assert.True(http.Count >= 2, string.Join(Environment.NewLine, http));
        Assert.Matches(@"^GET http://127\.0\.0\.1:\d+/items\?access_token=\[redacted\]&page=1 → 200 in \d+ ms$", http[0]);
        Assert.All(http.Skip(1), line => Assert.Contains("/fail → 500 in", line, StringComparison.Ordinal));
        Assert.Contains("upstream exploded: quota of tenant 42 is spent", http[^1], StringComparison.Ordinal);
        var failure = lines.Last(l => (string?)l["level"] == "error");
        Assert.Equal("engine", (string?)failure["source"]);
        Assert.Contains("Failed: HttpRequestException: Response status code does not indicate success: 500", (string)failure["message"]!, StringComparison.Ordinal);
        Assert.Contains(nameof(ProviderFailFunction), (string)failure["message"]!, StringComparison.Ordinal);
        Assert.Contains(lines, l => (string?)l["source"] == "function" && ((string)l["message"]!).Contains("Calling the provider with token [redacted]", StringComparison.Ordinal));
        Assert.DoesNotContain(Token, Text(lines), StringComparison.Ordinal);
        Assert.StartsWith("Claimed: attempt 1", (string)lines[0]["message"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task FullRun_LogHoldsEveryEventButNeverTheConnectionsToken(TestDialect dialect)
    {
        await using var provider = await LoopbackProvider.StartAsync(Ct);
        await using var server = await StartAsync(dialect, provider.BaseUrl);
        await ConnectAsync(server, "acme");

        var runId = await server.TriggerAsync("acme", "fine", Ct, integration: "api");
        var run = await server.WaitForRunAsync(runId, Ct);
        var lines = await ReadLogAsync(server, runId);
        var messages = lines.Select(l => (string)l["message"]!).ToList();

        Assert.Equal("succeeded", (string?)run["state"]);
        Assert.DoesNotContain(Token, Text(lines), StringComparison.Ordinal);
        Assert.Contains(messages, m => m.StartsWith("Claimed: attempt 1", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("api_key=[redacted]", StringComparison.Ordinal));
        Assert.Contains("Debugging auth: Bearer [redacted]", messages);
        Assert.Contains("batchSave Item: 2 sent, 2 added, 0 updated, 0 deleted, 0 unchanged.", messages);
        Assert.Contains(messages, m => m.StartsWith("Checkpoint saved", StringComparison.Ordinal));
        Assert.StartsWith("Succeeded: ", messages[^1], StringComparison.Ordinal);
        Assert.Equal(messages.Count, lines.Select(l => long.Parse((string)l["id"]!, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Count());
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task RunLoggingFarOverItsCap_KeepsItsFirstAndLastLinesWithinTheCap(TestDialect dialect)
    {
        const int MaxLines = 200;
        const int MaxBytes = 12_000;
        await using var provider = await LoopbackProvider.StartAsync(Ct);
        await using var server = await StartAsync(dialect, provider.BaseUrl, o => o.RunLogs = RunLogOptions.Default with { MaxLinesPerRun = MaxLines, MaxBytesPerRun = MaxBytes });
        await ConnectAsync(server, "acme");

        var runId = await server.TriggerAsync("acme", "chatty", Ct, integration: "api");
        var run = await server.WaitForRunAsync(runId, Ct);
        var lines = await ReadLogAsync(server, runId);
        var messages = lines.Select(l => (string)l["message"]!).ToList();

        Assert.Equal("succeeded", (string?)run["state"]);
        Assert.InRange(messages.Count, MaxLines / 2, MaxLines);
        Assert.InRange(messages.Sum(m => Encoding.UTF8.GetByteCount(m)), MaxBytes / 2, MaxBytes);
        Assert.StartsWith("Claimed: attempt 1", messages[0], StringComparison.Ordinal);
        Assert.Contains(messages, m => m.StartsWith("line 000000:", StringComparison.Ordinal));
        var marker = Assert.Single(messages, m => m.Contains("left out", StringComparison.Ordinal));
        Assert.Matches(@"^… \d+ lines \(\d+ bytes\) left out: a run's log is capped at 200 lines and 12000 bytes …$", marker);
        Assert.Contains("last function line", messages);
        Assert.StartsWith("Succeeded: ", messages[^1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Follow_AnswersNewLinesOfARunningRunAsTheyCome_ThenSaysDone(TestDialect dialect)
    {
        await using var provider = await LoopbackProvider.StartAsync(Ct);
        await using var server = await StartAsync(dialect, provider.BaseUrl);
        var connection = $"follow-{dialect}-{Guid.NewGuid():N}";
        await ConnectAsync(server, connection);
        var gate = SteppedFunction.GateOf(connection);

        var runId = await server.TriggerAsync(connection, "stepped", Ct, integration: "api");
        // The function blocks at its first step right after the engine's "Running function" line.
        var cursor = await FollowUntilAsync(server, runId, m => m.StartsWith("Running function", StringComparison.Ordinal));

        // The long poll waits: the line it answers is written after the request was sent.
        var stopwatch = Stopwatch.StartNew();
        var waiting = server.Client.RunLogsAsync(runId, cursor, null, true, 20, Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(600), TimeProvider.System, Ct); // the request is parked before the function logs
        Assert.False(waiting.IsCompleted);
        await gate.Writer.WriteAsync(true, Ct);
        var stepped = await waiting;

        Assert.Contains(stepped!["lines"]!.AsArray(), l => (string?)l!["message"] == "step 1");
        Assert.Equal("running", (string?)stepped["run_state"]);
        Assert.False((bool)stepped["done"]!);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(15));

        await gate.Writer.WriteAsync(true, Ct);
        var (rest, last) = await FollowUntilDoneAsync(server, runId, (string)stepped["next_cursor"]!, reads: 20, waitSeconds: 10);

        Assert.True((bool)last["done"]!);
        Assert.Equal("succeeded", (string?)last["run_state"]);
        Assert.Contains(rest, l => (string?)l["message"] == "step 2");
        Assert.StartsWith("Succeeded: ", (string)rest[^1]["message"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Follow_OfARunCancelledWhileRunning_IsNotDoneUntilItsWorkerStoredItsLastLines(TestDialect dialect)
    {
        await using var provider = await LoopbackProvider.StartAsync(Ct);

        // A lease far longer than the test: done can only come from the worker saying its last lines are stored.
        await using var server = await StartAsync(dialect, provider.BaseUrl, engine: e => e.LeaseDuration = TimeSpan.FromMinutes(10));
        var connection = $"stopped-{dialect}-{Guid.NewGuid():N}";
        await ConnectAsync(server, connection);
        var runId = await server.TriggerAsync(connection, "stubborn", Ct, integration: "api");
        var cursor = await FollowUntilAsync(server, runId, m => m == StubbornFunction.Waiting);

        // The cancel ends the run now; its function is still busy, so its worker has not logged why it stopped.
        await server.Client.SendAsync(HttpMethod.Post, $"runs/{runId}/cancel", null, null, Ct);
        var afterCancel = await server.Client.RunLogsAsync(runId, cursor, null, false, null, Ct);
        Assert.Equal("cancelled", (string?)afterCancel!["run_state"]);
        Assert.False((bool)afterCancel["done"]!);

        StubbornFunction.GateOf(connection).TrySetResult();
        var (rest, last) = await FollowUntilDoneAsync(server, runId, cursor, reads: 12, waitSeconds: 5);

        Assert.True((bool)last["done"]!);
        Assert.Contains(rest, l => (string?)l["message"] == StubbornFunction.Done);
        Assert.StartsWith("Stopped: ", (string)rest[^1]["message"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    public async Task Logs_OfAnUnknownRunOrWithABadCursor_AreRefusedInNangosShape(TestDialect dialect)
    {
        await using var provider = await LoopbackProvider.StartAsync(Ct);
        await using var server = await StartAsync(dialect, provider.BaseUrl);

        var unknown = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.RunLogsAsync("999999", null, null, false, null, Ct));
        var badCursor = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.RunLogsAsync("1", "abc", null, false, null, Ct));
        var badWait = await Assert.ThrowsAsync<Tributary.Client.TributaryApiException>(() => server.Client.RunLogsAsync("1", null, null, true, 61, Ct));

        Assert.Equal(404, unknown.Status);
        Assert.Equal(400, badCursor.Status);
        Assert.Contains("Invalid cursor", badCursor.Body, StringComparison.Ordinal);
        Assert.Equal(400, badWait.Status);
    }

    /// <summary>Follows the log from <paramref name="cursor"/> until an answer says done, or <paramref name="reads"/> answers came; returns the lines and the last answer.</summary>
    private static async Task<(List<JsonNode> Lines, JsonNode Last)> FollowUntilDoneAsync(TestServer server, string runId, string cursor, int reads, int waitSeconds)
    {
        var lines = new List<JsonNode>();
        JsonNode? last = null;
        for (var i = 0; i < reads && last?["done"]?.GetValue<bool>() != true; i++)
        {
            last = await server.Client.RunLogsAsync(runId, cursor, null, true, waitSeconds, Ct);
            lines.AddRange(last!["lines"]!.AsArray().Select(l => l!));
            cursor = (string)last["next_cursor"]!;
        }

        return (lines, last!);
    }

    /// <summary>Follows the log from its start until a line matches; returns the cursor after it.</summary>
    private static async Task<string> FollowUntilAsync(TestServer server, string runId, Func<string, bool> match)
    {
        string? cursor = null;
        for (var i = 0; i < 40; i++)
        {
            var page = await server.Client.RunLogsAsync(runId, cursor, null, true, 5, Ct);
            cursor = (string)page!["next_cursor"]!;
            if (page["lines"]!.AsArray().Any(l => match((string)l!["message"]!)))
            {
                return cursor;
            }
        }

        throw new InvalidOperationException("No matching line came.");
    }
}
