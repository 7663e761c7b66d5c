using System.Diagnostics;
using Tributary.Testing;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>tributary migrate</c>: applies the migrations of the database every verb selects the same way.</summary>
public sealed class MigrateCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Migrate_AppliesTheMigrationsOnceThenIsUpToDate(TestDialect dialect)
    {
        using var folder = new TempFolder();
        string[] database = dialect == TestDialect.Postgres ? ["--database", await TestPostgres.CreateDatabaseAsync(Token)] : [];

        var first = await CommandLine.RunAsync(Token, ["migrate", "--data-dir", folder.DataDir, .. database]);
        var second = await CommandLine.RunAsync(Token, ["migrate", "--data-dir", folder.DataDir, .. database]);

        Assert.Equal(0, first.ExitCode);
        Assert.StartsWith("Applied migrations ", first.Output, StringComparison.Ordinal);
        Assert.Contains(dialect == TestDialect.Postgres ? " to postgres:" : $" to sqlite:{folder.SqliteFile}", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.EndsWith(" is up to date.", second.Output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_WithAnEmptyDatabaseFlag_UsesSqliteInTheDataFolderLikeServe()
    {
        using var folder = new TempFolder();

        var run = await CommandLine.RunAsync(Token, "migrate", "--data-dir", folder.DataDir, "--database", "");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"sqlite:{folder.SqliteFile}", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(folder.SqliteFile));
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("keys", "create", "--scopes", "environment:syncs:read")]
    public async Task LocalVerbs_WithAnEmptyDatabaseVariable_UseSqliteInTheDataFolderLikeServe(params string[] verb)
    {
        using var folder = new TempFolder();

        // The one test that needs the real process: it sets TRIBUTARY_DATABASE_URL to the empty string.
        var run = await RunProcessAsync(
            new Dictionary<string, string> { ["TRIBUTARY_DATABASE_URL"] = string.Empty, ["TRIBUTARY_DATA_DIR"] = folder.DataDir },
            verb);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(folder.SqliteFile), $"no {folder.SqliteFile}: {run}");
    }

    private static async Task<CommandRun> RunProcessAsync(Dictionary<string, string> environment, string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerProcess.CliPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Token);
        var error = process.StandardError.ReadToEndAsync(Token);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(deadline.Token);
        return new CommandRun(process.ExitCode, await output, await error);
    }
}
