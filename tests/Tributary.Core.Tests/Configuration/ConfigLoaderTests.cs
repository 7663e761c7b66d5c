using Tributary.Core.Configuration;

namespace Tributary.Core.Tests.Configuration;

public partial class ConfigLoaderTests
{
    private const string Source = "tributary.yaml";

    [Fact]
    public void Parse_FullFile_ReadsEveryField()
    {
        const string Yaml = """
            integrations:
              demo:                      # provider_config_key
                provider: sample-data
                display_name: Demo
                base_url: https://api.example.com
                syncs:
                  contacts:
                    function: sample-data
                    models: [Contact, Company]
                    frequency: every 1h
                    auto_start: false
                    sync_type: full
                    track_deletes: true
            """;

        var config = ConfigLoader.Parse(Yaml, Source);

        var integration = Assert.Single(config.Integrations);
        Assert.Equal("demo", integration.UniqueKey);
        Assert.Equal("sample-data", integration.Provider);
        Assert.Equal("Demo", integration.DisplayName);
        Assert.Equal("https://api.example.com", integration.BaseUrl);
        var sync = Assert.Single(integration.Syncs);
        Assert.Equal("contacts", sync.Name);
        Assert.Equal("sample-data", sync.Function);
        Assert.Equal(["Contact", "Company"], sync.Models);
        Assert.Equal("every 1h", sync.Frequency);
        Assert.Equal(TimeSpan.FromHours(1), sync.Interval);
        Assert.False(sync.AutoStart);
        Assert.Equal(SyncType.Full, sync.SyncType);
        Assert.True(sync.TrackDeletes);
    }

    [Fact]
    public void Parse_OptionalFieldsLeftOut_UsesDefaults()
    {
        const string Yaml = """
            integrations:
              crm:
                provider: hubspot
                syncs:
                  deals:
                    function: hubspot-deals
                    models: [Deal]
                    frequency: every day
            """;

        var integration = Assert.Single(ConfigLoader.Parse(Yaml, Source).Integrations);

        Assert.Null(integration.DisplayName);
        Assert.Null(integration.BaseUrl);
        var sync = Assert.Single(integration.Syncs);
        Assert.True(sync.AutoStart);
        Assert.Equal(SyncType.Incremental, sync.SyncType);
        Assert.False(sync.TrackDeletes);
        Assert.Equal(TimeSpan.FromDays(1), sync.Interval);
    }

    [Fact]
    public void Parse_OptionalFieldsWithoutValue_UsesDefaults()
    {
        const string Yaml = """
            integrations:
              crm:
                provider: hubspot
                display_name:
                base_url: ~
                syncs:
                  deals:
                    function: hubspot-deals
                    models: [Deal]
                    frequency: every day
                    auto_start:
                    sync_type: null
                    track_deletes:
            """;

        var integration = Assert.Single(ConfigLoader.Parse(Yaml, Source).Integrations);

        Assert.Null(integration.DisplayName);
        Assert.Null(integration.BaseUrl);
        var sync = Assert.Single(integration.Syncs);
        Assert.True(sync.AutoStart);
        Assert.Equal(SyncType.Incremental, sync.SyncType);
        Assert.False(sync.TrackDeletes);
    }

    [Fact]
    public void Parse_SeveralIntegrationsAndSyncs_KeepsDocumentOrder()
    {
        const string Yaml = """
            integrations:
              zeta:
                provider: github
                syncs:
                  issues: { function: github-issues, models: [Issue], frequency: 30m }
                  commits: { function: github-commits, models: [Commit], frequency: 1h }
              alpha:
                provider: linear
            """;

        var config = ConfigLoader.Parse(Yaml, Source);

        Assert.Equal(["zeta", "alpha"], config.Integrations.Select(integration => integration.UniqueKey));
        Assert.Equal(["issues", "commits"], config.Integrations[0].Syncs.Select(sync => sync.Name));
        Assert.Empty(config.Integrations[1].Syncs);
    }

    [Fact]
    public void Parse_BlockSequenceOfModels_IsAccepted()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: sample-data
                syncs:
                  contacts:
                    function: sample-data
                    models:
                      - Contact
                      - Company
                    frequency: every 5 minutes
            """;

        var sync = Assert.Single(Assert.Single(ConfigLoader.Parse(Yaml, Source).Integrations).Syncs);

        Assert.Equal(["Contact", "Company"], sync.Models);
        Assert.Equal(TimeSpan.FromMinutes(5), sync.Interval);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    public void Parse_CoreSchemaBoolean_IsAccepted(string text, bool expected)
    {
        var yaml = SyncYaml($"auto_start: {text}");

        var sync = Assert.Single(Assert.Single(ConfigLoader.Parse(yaml, Source).Integrations).Syncs);

        Assert.Equal(expected, sync.AutoStart);
    }

    [Fact]
    public void Parse_SyncTypeIncremental_IsAccepted()
    {
        var sync = Assert.Single(Assert.Single(ConfigLoader.Parse(SyncYaml("sync_type: incremental"), Source).Integrations).Syncs);

        Assert.Equal(SyncType.Incremental, sync.SyncType);
    }

    [Fact]
    public void Parse_IntegrationKeyWithNangoPunctuation_IsAccepted()
    {
        const string Yaml = """
            integrations:
              "my crm~prod:eu.1@acme_x-y":
                provider: hubspot
            """;

        var integration = Assert.Single(ConfigLoader.Parse(Yaml, Source).Integrations);

        Assert.Equal("my crm~prod:eu.1@acme_x-y", integration.UniqueKey);
    }

    [Fact]
    public void Parse_HttpBaseUrl_IsAccepted()
    {
        const string Yaml = """
            integrations:
              local:
                provider: sample-data
                base_url: http://localhost:8080/api
            """;

        var integration = Assert.Single(ConfigLoader.Parse(Yaml, Source).Integrations);

        Assert.Equal("http://localhost:8080/api", integration.BaseUrl);
    }

    [Fact]
    public void Parse_AnchorsAndAliases_AreResolved()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: sample-data
                syncs:
                  contacts:
                    function: sample-data
                    models: &models [Contact, Company]
                    frequency: &often every 30 minutes
                  companies:
                    function: sample-data
                    models: *models
                    frequency: *often
            """;

        var syncs = Assert.Single(ConfigLoader.Parse(Yaml, Source).Integrations).Syncs;

        Assert.Equal(["Contact", "Company"], syncs[1].Models);
        Assert.Equal(TimeSpan.FromMinutes(30), syncs[1].Interval);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing configured yet\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    [InlineData("integrations:\n")]
    [InlineData("integrations: {}\n")]
    public void Parse_NothingConfigured_ReturnsEmptyConfig(string yaml)
    {
        var config = ConfigLoader.Parse(yaml, Source);

        Assert.Empty(config.Integrations);
    }

    [Fact]
    public void Parse_IntegrationWithEmptySyncs_HasNoSyncs()
    {
        var integration = Assert.Single(ConfigLoader.Parse("integrations:\n  demo:\n    provider: x\n    syncs:\n", Source).Integrations);

        Assert.Empty(integration.Syncs);
    }

    [Fact]
    public void Parse_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ConfigLoader.Parse(null!, Source));
        Assert.Throws<ArgumentNullException>(() => ConfigLoader.Parse("", null!));
    }

    [Fact]
    public void LoadFile_ExistingFile_ParsesIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tributary-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, SyncYaml("sync_type: full"));
        try
        {
            var config = ConfigLoader.LoadFile(path);

            Assert.Equal(SyncType.Full, Assert.Single(Assert.Single(config.Integrations).Syncs).SyncType);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_InvalidFile_NamesThePathInErrors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tributary-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "integrations:\n  demo:\n    provider: x\n    colour: blue\n");
        try
        {
            var exception = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path));

            var error = Assert.Single(exception.Errors);
            Assert.Equal(path, error.Source);
            Assert.Equal(4, error.Line);
            Assert.StartsWith($"{path}:4: integrations.demo.colour: unknown key 'colour'", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadFile_MissingFile_ThrowsConfigException()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "tributary.yaml");

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal(path, error.Source);
        Assert.Equal(0, error.Line);
        Assert.Equal("", error.Path);
        Assert.Equal($"{path}: file not found", exception.Message);
    }

    [Fact]
    public void LoadFile_MissingFileInExistingFolder_ThrowsConfigException()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.yaml");

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path));

        Assert.Equal("file not found", Assert.Single(exception.Errors).Message);
    }

    [Fact]
    public void LoadFile_MissingRelativePath_SaysWhereItLooked()
    {
        var path = $"missing-{Guid.NewGuid():N}.yaml";

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal(path, error.Source);
        Assert.Equal($"file not found (looked for {Path.GetFullPath(path)})", error.Message);
    }

    [Fact]
    public void LoadFile_PathIsADirectory_ThrowsConfigException()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile(Path.GetTempPath()));

        Assert.StartsWith("cannot read the file", Assert.Single(exception.Errors).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void LoadFile_BlankPath_Throws(string path)
    {
        Assert.Throws<ArgumentException>(() => ConfigLoader.LoadFile(path));
    }

    [Fact]
    public void Demo_IsTheBuiltInSampleDataConfig()
    {
        var integration = Assert.Single(ConfigLoader.Demo.Integrations);
        Assert.Equal("demo", integration.UniqueKey);
        Assert.Equal("sample-data", integration.Provider);
        var sync = Assert.Single(integration.Syncs);
        Assert.Equal("contacts", sync.Name);
        Assert.Equal("sample-data", sync.Function);
        Assert.Equal(["Contact", "Company", "Deal"], sync.Models);
        Assert.Equal("every 1h", sync.Frequency);
        Assert.Equal(TimeSpan.FromHours(1), sync.Interval);
        Assert.True(sync.AutoStart);
        Assert.Equal(SyncType.Incremental, sync.SyncType);
        Assert.False(sync.TrackDeletes);
    }

    [Fact]
    public void Demo_WrittenAsYaml_LoadsToTheSameConfig()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: sample-data
                display_name: Demo
                syncs:
                  contacts:
                    function: sample-data
                    models: [Contact, Company, Deal]
                    frequency: every 1h
            """;

        var parsed = Assert.Single(ConfigLoader.Parse(Yaml, Source).Integrations);
        var demo = Assert.Single(ConfigLoader.Demo.Integrations);

        Assert.Equal(demo with { Syncs = [] }, parsed with { Syncs = [] });
        // Where `function:` was written (for deploy's errors) is the file's, not the configuration's.
        Assert.Equal(demo.Syncs[0] with { Models = [] }, parsed.Syncs[0] with { Models = [], FunctionLine = 0, FunctionPath = "" });
        Assert.Equal(demo.Syncs[0].Models, parsed.Syncs[0].Models);
    }

    /// <summary>A valid file with one sync, plus <paramref name="extraSyncLine"/> in that sync; the extra line is line 9.</summary>
    private static string SyncYaml(string extraSyncLine) => $"""
        integrations:
          demo:
            provider: sample-data
            syncs:
              contacts:
                function: sample-data
                models: [Contact]
                frequency: every 1h
                {extraSyncLine}
        """;
}
