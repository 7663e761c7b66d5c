using System.Data.Common;
using Tributary.Storage.Sql;

namespace Tributary.Cli.Tests.Verbs;

/// <summary><c>tributary deploy</c>: validates the configuration and applies it to the database without serving.</summary>
public sealed class DeployCommandTests
{
    private const string CrmConfig = """
        integrations:
          crm:
            provider: sample-data
            syncs:
              people:
                function: sample-data
                models: [Contact]
                frequency: every 1h
                auto_start: false
        """;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Deploy_AppliesTheConfigurationToTheDataFoldersDatabase()
    {
        using var folder = new TempFolder(CrmConfig);

        var run = await CommandLine.RunAsync(Token, "deploy", "--data-dir", folder.DataDir, "--config", folder.ConfigPath);
        var integrations = await IntegrationKeysAsync(folder.DataDir);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"Deployed {folder.ConfigPath}.", run.Output.Trim());
        Assert.Equal(["crm"], integrations);
    }

    [Fact]
    public async Task Deploy_WithoutAConfigurationFile_DeploysTheDemo()
    {
        using var folder = new TempFolder(config: null);

        var run = await CommandLine.RunAsync(Token, "deploy", "--data-dir", folder.DataDir, "--config", folder.ConfigPath);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("No configuration file; deployed the built-in demo.", run.Output.Trim());
        Assert.NotEmpty(await IntegrationKeysAsync(folder.DataDir));
    }

    [Fact]
    public async Task Deploy_InvalidConfiguration_ExitsBadInputWithWhatIsWrong()
    {
        using var folder = new TempFolder(CrmConfig.Replace("function: sample-data", "function: no-such-function", StringComparison.Ordinal).Replace("every 1h", "sometimes", StringComparison.Ordinal));

        var run = await CommandLine.RunAsync(Token, "deploy", "--data-dir", folder.DataDir, "--config", folder.ConfigPath);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains("frequency", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_InvalidSetting_ExitsBadInputNamingItBeforeCreatingTheDataFolder()
    {
        using var folder = new TempFolder();

        var run = await CommandLine.RunAsync(Token, "deploy", "--data-dir", " ", "--config", folder.ConfigPath);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("--data-dir / TRIBUTARY_DATA_DIR: must not be empty.", run.Error, StringComparison.Ordinal);
    }

    private static async Task<List<string>> IntegrationKeysAsync(string dataDir)
    {
        await using var database = DatabaseFactory.Open(null, dataDir);
        await using var connection = await database.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT unique_key FROM integrations ORDER BY unique_key";
        await using DbDataReader reader = await command.ExecuteReaderAsync(Token);
        var keys = new List<string>();
        while (await reader.ReadAsync(Token))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }
}
