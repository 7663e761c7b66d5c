using System.Text.Json.Nodes;
using Tributary.Client;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>tributary serve</c> in-process: what it prints, its roles, and settings refused before it starts.</summary>
public sealed class ServeCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Serve_ServesTheApiUntilStoppedAndSaysWhere(TestDialect dialect)
    {
        using var folder = new TempFolder();
        string[] database = dialect == TestDialect.Postgres ? ["--database", await TestPostgres.CreateDatabaseAsync(Token)] : [];
        var server = await ServeInProcess.StartAsync(folder.DataDir, folder.ConfigPath, Token, database);
        JsonNode? status;
        using (var client = server.Client())
        {
            status = await client.StatusAsync("demo", "*", null, Token);
        }

        var stopped = await server.StopAsync();
        await server.DisposeAsync();

        Assert.NotNull(status?["syncs"]);
        Assert.Equal(ExitCodes.Ok, stopped.ExitCode);
        Assert.Contains($"Tributary listening on http://127.0.0.1:{server.Port} (role all).", stopped.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(folder.SqliteFile) == (dialect == TestDialect.Sqlite), "SQLite is used exactly when no database is given");
    }

    [Fact]
    public async Task Serve_AsAWorker_AnswersHealthButNotTheApi()
    {
        using var folder = new TempFolder();
        await using var server = await ServeInProcess.StartAsync(folder.DataDir, folder.ConfigPath, Token, "--role", "worker");
        using var client = server.Client();

        var api = await Assert.ThrowsAsync<TributaryApiException>(() => client.StatusAsync("demo", "*", null, Token));

        Assert.Equal(404, api.Status);
        Assert.Contains("(role worker).", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--port", "0", "--port / TRIBUTARY_PORT: must be 1-65535; got 0.")]
    [InlineData("--worker-slots", "0", "--worker-slots (Engine:WorkerSlots): must be at least 1; got 0.")]
    [InlineData("--lease-seconds", "0.5", "--lease-seconds (Engine:LeaseDuration): must be at least 1 second; got 0.5 s.")]
    [InlineData("--poll-ms", "0", "--poll-ms (Engine:PollInterval): must be at least 1 ms; got 0 ms.")]
    [InlineData("--path-base", "nango", "--path-base / TRIBUTARY_PATH_BASE: must start with '/' (e.g. /nango); got 'nango'.")]
    [InlineData("--rate-limit-per-minute", "-1", "--rate-limit-per-minute / TRIBUTARY_RATE_LIMIT_PER_MINUTE: must be 0 (off) or more; got -1.")]
    public async Task Serve_InvalidSetting_ExitsBadInputNamingItBeforeTouchingTheDataFolder(string flag, string value, string message)
    {
        using var folder = new TempFolder();

        var run = await CommandLine.RunAsync(Token, "serve", "--data-dir", folder.DataDir, "--config", folder.ConfigPath, flag, value);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.DataDir), "the data folder was created before the settings were checked");
    }

    [Fact]
    public async Task Serve_UnknownRole_IsRefusedWithTheAcceptedNames()
    {
        using var folder = new TempFolder();

        var run = await CommandLine.RunAsync(Token, "serve", "--data-dir", folder.DataDir, "--role", "boss");

        Assert.NotEqual(ExitCodes.Ok, run.ExitCode);
        Assert.Contains("boss", run.Error, StringComparison.Ordinal);
        Assert.Contains("worker", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.DataDir));
    }
}
