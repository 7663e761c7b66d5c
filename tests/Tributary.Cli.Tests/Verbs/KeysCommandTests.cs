using Tributary.Client;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>tributary keys create</c> in-process (tests/Tributary.Server.Tests/Api/ScopeTests.cs runs the built command on both databases).</summary>
public sealed class KeysCommandTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_WithAnEmptyDatabaseFlag_MakesAKeyInTheSqliteThatServeUses()
    {
        using var folder = new TempFolder();

        var run = await CommandLine.RunAsync(Token, "keys", "create", "--scopes", "environment:syncs:read", "--name", "reader", "--data-dir", folder.DataDir, "--database", "");
        await using var server = await ServeInProcess.StartAsync(folder.DataDir, folder.ConfigPath, Token);
        using var reader = new TributaryClient(server.BaseUrl, run.Output.Trim());
        var status = await reader.StatusAsync("demo", "*", null, Token);
        var records = await Assert.ThrowsAsync<TributaryApiException>(() => reader.RecordsAsync("demo", "acme", "Contact", null, null, Token));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(Guid.TryParse(run.Output.Trim(), out _), run.ToString());
        Assert.Contains("Created API key 'reader' in environment dev with scopes: environment:syncs:read.", run.Error, StringComparison.Ordinal);
        Assert.NotNull(status!["syncs"]);
        Assert.Equal(403, records.Status);
    }

    [Fact]
    public async Task Create_MalformedScope_ExitsBadInputAndTouchesNothing()
    {
        using var folder = new TempFolder();

        var run = await CommandLine.RunAsync(Token, "keys", "create", "--scopes", "environment:syncs:read,nope", "--data-dir", folder.DataDir);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains("Invalid scope 'nope'", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.DataDir));
    }
}
