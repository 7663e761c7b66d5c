using Tributary.Core.Configuration;

namespace Tributary.Core.Tests.Configuration;

public partial class ConfigLoaderTests
{
    [Fact]
    public void Parse_FrequencyBelowMinimum_ReportsFileLineAndPath()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(SyncYaml("").Replace("every 1h", "every 10 seconds", StringComparison.Ordinal), Source));

        Assert.Equal(
            "tributary.yaml:8: integrations.demo.syncs.contacts.frequency: 'every 10 seconds' is shorter than the 30 second minimum",
            exception.Message);
        Assert.Equal(new ConfigError(Source, 8, "integrations.demo.syncs.contacts.frequency", "'every 10 seconds' is shorter than the 30 second minimum"), Assert.Single(exception.Errors));
    }

    [Theory]
    [InlineData("every fortnight")]
    [InlineData("hourly")]
    [InlineData("every 0 minutes")]
    public void Parse_UnparseableFrequency_IsReported(string frequency)
    {
        var error = SingleError(SyncYaml("").Replace("every 1h", frequency, StringComparison.Ordinal));

        AssertError(error, 8, "integrations.demo.syncs.contacts.frequency", $"'{frequency}' is not a valid frequency");
    }

    [Fact]
    public void Parse_FrequencyExactlyThirtySeconds_IsAccepted()
    {
        var sync = Assert.Single(Assert.Single(ConfigLoader.Parse(SyncYaml("").Replace("every 1h", "every 30s", StringComparison.Ordinal), Source).Integrations).Syncs);

        Assert.Equal(TimeSpan.FromSeconds(30), sync.Interval);
    }

    [Fact]
    public void Parse_FrequencyNotAString_IsReported()
    {
        var error = SingleError(SyncYaml("").Replace("every 1h", "[1h]", StringComparison.Ordinal));

        AssertError(error, 8, "integrations.demo.syncs.contacts.frequency", "expected a string");
    }

    [Fact]
    public void Parse_ProviderMissing_IsReportedOnTheIntegrationLine()
    {
        const string Yaml = """
            integrations:
              demo:
                display_name: Demo
            """;

        AssertError(SingleError(Yaml), 2, "integrations.demo.provider", "is required");
    }

    [Fact]
    public void Parse_ProviderWithoutValue_IsReportedOnItsOwnLine()
    {
        const string Yaml = """
            integrations:
              demo:
                display_name: Demo
                provider:
            """;

        AssertError(SingleError(Yaml), 4, "integrations.demo.provider", "is required");
    }

    [Fact]
    public void Parse_IntegrationWithoutBody_ReportsMissingProvider()
    {
        AssertError(SingleError("integrations:\n  demo:\n"), 2, "integrations.demo.provider", "is required");
    }

    [Fact]
    public void Parse_SyncWithoutRequiredFields_ReportsEachOne()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: sample-data
                syncs:
                  contacts:
                    auto_start: true
            """;

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Yaml, Source)).Errors;

        Assert.Equal(
            [
                "integrations.demo.syncs.contacts.function",
                "integrations.demo.syncs.contacts.models",
                "integrations.demo.syncs.contacts.frequency",
            ],
            errors.Select(error => error.Path));
        Assert.All(errors, error => Assert.Equal(5, error.Line));
        Assert.All(errors, error => Assert.Equal("is required", error.Message));
    }

    [Fact]
    public void Parse_QuotedEmptyString_IsReportedAsEmpty()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: "  "
                display_name: ''
            """;

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Yaml, Source)).Errors;

        Assert.Equal(2, errors.Count);
        AssertError(errors[0], 3, "integrations.demo.provider", "must not be empty");
        AssertError(errors[1], 4, "integrations.demo.display_name", "must not be empty");
    }

    [Fact]
    public void Parse_StringFieldHoldsAMapping_IsReported()
    {
        const string Yaml = """
            integrations:
              demo:
                provider:
                  name: sample-data
            """;

        AssertError(SingleError(Yaml), 4, "integrations.demo.provider", "expected a string");
    }

    [Fact]
    public void Parse_MisspeltSyncKey_SuggestsTheKnownKey()
    {
        var error = SingleError(SyncYaml("frequncy: every 2h"));

        AssertError(error, 9, "integrations.demo.syncs.contacts.frequncy", "unknown key 'frequncy' (did you mean 'frequency'?)");
    }

    [Fact]
    public void Parse_MisspeltKeyInOtherCase_SuggestsTheKnownKey()
    {
        var error = SingleError(SyncYaml("Auto_Start: true"));

        Assert.Equal("unknown key 'Auto_Start' (did you mean 'auto_start'?)", error.Message);
    }

    [Fact]
    public void Parse_UnrelatedIntegrationKey_ListsTheKnownKeys()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: sample-data
                webhook: https://example.com
            """;

        AssertError(
            SingleError(Yaml),
            4,
            "integrations.demo.webhook",
            "unknown key 'webhook' (expected one of: provider, display_name, base_url, client_id, client_secret_env, client_secret_file, scopes, syncs)");
    }

    [Fact]
    public void Parse_UnknownRootKey_IsReported()
    {
        AssertError(SingleError("integration:\n  demo:\n    provider: x\n"), 1, "integration", "unknown key 'integration' (did you mean 'integrations'?)");
    }

    [Fact]
    public void Parse_DuplicateIntegration_IsReportedAtTheSecondOne()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: a
              demo:
                provider: b
            """;

        AssertError(SingleError(Yaml), 4, "integrations.demo", "duplicate key 'demo' (first defined on line 2)");
    }

    [Fact]
    public void Parse_DuplicateField_IsReportedAtTheSecondOne()
    {
        var error = SingleError(SyncYaml("frequency: every 2h"));

        AssertError(error, 9, "integrations.demo.syncs.contacts.frequency", "duplicate key 'frequency' (first defined on line 8)");
    }

    [Fact]
    public void Parse_DuplicateRootKey_IsReported()
    {
        AssertError(SingleError("integrations: {}\nintegrations: {}\n"), 2, "integrations", "duplicate key 'integrations' (first defined on line 1)");
    }

    [Fact]
    public void Parse_DuplicateSyncs_AreAllReported()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: sample-data
                syncs:
                  contacts: { function: f, models: [Contact], frequency: 1h }
                  contacts: { function: f, models: [Contact], frequency: 1h }
                  contacts: { function: f, models: [Contact], frequency: 1h }
            """;

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Yaml, Source)).Errors;

        Assert.Equal([6, 7], errors.Select(error => error.Line));
        Assert.All(errors, error => Assert.Equal("duplicate key 'contacts' (first defined on line 5)", error.Message));
    }

    [Theory]
    [InlineData("bad/key", "integrations['bad/key']")]
    [InlineData("naïve", "integrations['naïve']")]
    [InlineData("tab\tkey", "integrations['tab\tkey']")]
    public void Parse_InvalidIntegrationKey_IsReported(string key, string expectedPath)
    {
        var yaml = $"integrations:\n  \"{key.Replace("\t", "\\t", StringComparison.Ordinal)}\":\n    provider: x\n";

        AssertError(SingleError(yaml), 2, expectedPath, $"'{key}' is not a valid integration key");
    }

    [Fact]
    public void Parse_IntegrationKeyOf255Characters_IsAccepted()
    {
        var key = new string('k', 255);

        var integration = Assert.Single(ConfigLoader.Parse($"integrations:\n  {key}:\n    provider: x\n", Source).Integrations);

        Assert.Equal(key, integration.UniqueKey);
    }

    [Fact]
    public void Parse_IntegrationKeyOver255Characters_IsReported()
    {
        var key = new string('k', 256);

        AssertError(SingleError($"integrations:\n  {key}:\n    provider: x\n"), 2, $"integrations.{key}", "the integration key is longer than 255 characters");
    }

    [Theory]
    [InlineData("contacts.v2")]
    [InlineData("my sync")]
    [InlineData("sync:1")]
    public void Parse_InvalidSyncName_IsReported(string name)
    {
        var yaml = SyncYaml("").Replace("contacts:", $"'{name}':", StringComparison.Ordinal);

        var error = SingleError(yaml);

        Assert.Equal(5, error.Line);
        Assert.StartsWith($"'{name}' is not a valid sync name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SyncNameOver255Characters_IsReported()
    {
        var name = new string('s', 256);

        var error = SingleError(SyncYaml("").Replace("contacts:", $"{name}:", StringComparison.Ordinal));

        AssertError(error, 5, $"integrations.demo.syncs.{name}", "the sync name is longer than 255 characters");
    }

    [Theory]
    [InlineData("contact")]
    [InlineData("C")]
    [InlineData("Contact.v2")]
    [InlineData("1Contact")]
    public void Parse_InvalidModelName_IsReported(string model)
    {
        var error = SingleError(SyncYaml("").Replace("[Contact]", $"[Company, '{model}']", StringComparison.Ordinal));

        AssertError(error, 7, "integrations.demo.syncs.contacts.models[1]", $"'{model}' is not a valid model name");
    }

    [Fact]
    public void Parse_ModelOver255Characters_IsReported()
    {
        var model = "M" + new string('m', 255);

        var error = SingleError(SyncYaml("").Replace("[Contact]", $"[{model}]", StringComparison.Ordinal));

        AssertError(error, 7, "integrations.demo.syncs.contacts.models[0]", "the model name is longer than 255 characters");
    }

    [Fact]
    public void Parse_DuplicateModel_IsReportedAtItsSecondOccurrence()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: sample-data
                syncs:
                  contacts:
                    function: sample-data
                    frequency: 1h
                    models:
                      - Contact
                      - Company
                      - Contact
            """;

        AssertError(SingleError(Yaml), 11, "integrations.demo.syncs.contacts.models[2]", "'Contact' is listed more than once");
    }

    [Fact]
    public void Parse_ModelsCompareCaseSensitively()
    {
        var sync = Assert.Single(Assert.Single(ConfigLoader.Parse(SyncYaml("").Replace("[Contact]", "[Contact, CONTACT]", StringComparison.Ordinal), Source).Integrations).Syncs);

        Assert.Equal(["Contact", "CONTACT"], sync.Models);
    }

    [Theory]
    [InlineData("[]", "must list at least one model")]
    [InlineData("Contact", "expected a list of model names")]
    [InlineData("{ Contact: 1 }", "expected a list of model names")]
    public void Parse_ModelsNotANonEmptyList_IsReported(string models, string expectedMessage)
    {
        var error = SingleError(SyncYaml("").Replace("[Contact]", models, StringComparison.Ordinal));

        AssertError(error, 7, "integrations.demo.syncs.contacts.models", expectedMessage);
    }

    [Theory]
    [InlineData("[Contact, [Company]]")]
    [InlineData("[Contact, ~]")]
    public void Parse_ModelItemNotAName_IsReported(string models)
    {
        var error = SingleError(SyncYaml("").Replace("[Contact]", models, StringComparison.Ordinal));

        AssertError(error, 7, "integrations.demo.syncs.contacts.models[1]", "expected a model name");
    }

    [Theory]
    [InlineData("auto_start: yes", "'yes' is not a boolean (use true or false)")]
    [InlineData("auto_start: 1", "'1' is not a boolean (use true or false)")]
    [InlineData("auto_start: [true]", "expected true or false")]
    public void Parse_InvalidBoolean_IsReported(string line, string expectedMessage)
    {
        AssertError(SingleError(SyncYaml(line)), 9, "integrations.demo.syncs.contacts.auto_start", expectedMessage);
    }

    [Theory]
    [InlineData("sync_type: Full", "'Full' is not a sync type (use incremental or full)")]
    [InlineData("sync_type: initial", "'initial' is not a sync type (use incremental or full)")]
    [InlineData("sync_type: { full: true }", "expected incremental or full")]
    public void Parse_InvalidSyncType_IsReported(string line, string expectedMessage)
    {
        AssertError(SingleError(SyncYaml(line)), 9, "integrations.demo.syncs.contacts.sync_type", expectedMessage);
    }

    [Fact]
    public void Parse_TrackDeletesWithDefaultSyncType_IsReported()
    {
        AssertError(
            SingleError(SyncYaml("track_deletes: true")),
            9,
            "integrations.demo.syncs.contacts.track_deletes",
            "Track deletes is not supported for incremental syncs");
    }

    [Fact]
    public void Parse_TrackDeletesWithIncrementalSyncType_IsReported()
    {
        var yaml = SyncYaml("track_deletes: true").Replace("models:", "sync_type: incremental\n        models:", StringComparison.Ordinal);

        AssertError(SingleError(yaml), 10, "integrations.demo.syncs.contacts.track_deletes", "Track deletes is not supported for incremental syncs");
    }

    [Fact]
    public void Parse_TrackDeletesFalseWithIncremental_IsAccepted()
    {
        var sync = Assert.Single(Assert.Single(ConfigLoader.Parse(SyncYaml("track_deletes: false"), Source).Integrations).Syncs);

        Assert.False(sync.TrackDeletes);
    }

    [Fact]
    public void Parse_TrackDeletesWithInvalidSyncType_ReportsOnlyTheSyncType()
    {
        var yaml = SyncYaml("track_deletes: true").Replace("models:", "sync_type: fll\n        models:", StringComparison.Ordinal);

        AssertError(SingleError(yaml), 7, "integrations.demo.syncs.contacts.sync_type", "'fll' is not a sync type");
    }

    [Theory]
    [InlineData("api.example.com")]
    [InlineData("/api")]
    [InlineData("ftp://files.example.com")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://")]
    public void Parse_BaseUrlNotAbsoluteHttp_IsReported(string url)
    {
        var yaml = $"integrations:\n  demo:\n    provider: x\n    base_url: '{url}'\n";

        AssertError(SingleError(yaml), 4, "integrations.demo.base_url", $"'{url}' is not an absolute http or https URL");
    }

    [Theory]
    [InlineData("integrations: [demo]", "integrations")]
    [InlineData("integrations: demo", "integrations")]
    [InlineData("integrations:\n  demo: sample-data", "integrations.demo")]
    [InlineData("integrations:\n  demo:\n    provider: x\n    syncs: [contacts]", "integrations.demo.syncs")]
    [InlineData("integrations:\n  demo:\n    provider: x\n    syncs:\n      contacts: every 1h", "integrations.demo.syncs.contacts")]
    public void Parse_MappingExpected_IsReported(string yaml, string expectedPath)
    {
        var error = SingleError(yaml);

        Assert.Equal(expectedPath, error.Path);
        Assert.Equal("expected a mapping", error.Message);
        Assert.Equal(yaml.Split('\n').Length, error.Line);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("- integrations")]
    public void Parse_RootNotAMapping_IsReported(string yaml)
    {
        AssertError(SingleError(yaml), 1, "", "expected a mapping with an 'integrations' key");
    }

    [Fact]
    public void Parse_SeveralDocuments_IsReported()
    {
        AssertError(SingleError("integrations: {}\n---\nintegrations: {}\n"), 3, "", "the file must hold a single YAML document");
    }

    [Fact]
    public void Parse_NonStringKey_IsReported()
    {
        AssertError(SingleError("integrations:\n  ? [a, b]\n  : { provider: x }\n"), 2, "integrations", "a key must be a non-empty string");
    }

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("\"\"")]
    public void Parse_NullOrEmptyKey_IsReported(string key)
    {
        AssertError(SingleError($"integrations:\n  {key}:\n    provider: x\n"), 2, "integrations", "a key must be a non-empty string");
    }

    [Theory]
    [InlineData("integrations:\n  \"demo\\n\":\n    provider: x\n", "is not a valid integration key")]
    [InlineData("integrations:\n  demo:\n    provider: x\n    syncs:\n      \"contacts\\n\": { function: f, models: [Contact], frequency: 1h }\n", "is not a valid sync name")]
    [InlineData("integrations:\n  demo:\n    provider: x\n    syncs:\n      contacts: { function: f, models: [\"Contact\\n\"], frequency: 1h }\n", "is not a valid model name")]
    public void Parse_NameEndingInNewline_IsReported(string yaml, string expectedMessagePart)
    {
        Assert.Contains(expectedMessagePart, SingleError(yaml).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SyntaxError_ReportsItsLine()
    {
        const string Yaml = """
            integrations:
              demo:
                provider: x
               syncs: {}
            """;

        var error = SingleError(Yaml);

        Assert.Equal(4, error.Line);
        Assert.Equal("", error.Path);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedFlowSequenceAtEndOfFile_ReportsASyntaxError()
    {
        var error = SingleError("integrations:\n  demo:\n    provider: x\n    syncs:\n      a: { models: [Contact\n");

        Assert.Equal(6, error.Line);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedFlowSequenceBeforeMoreKeys_ReportsASyntaxError()
    {
        // YamlDotNet's scanner fails on this with an InvalidOperationException rather than a YamlException.
        var error = SingleError("integrations:\n  demo:\n    provider: x\n    syncs: [a\n    b: 2\n");

        Assert.Equal(4, error.Line);
        Assert.Equal("invalid YAML: the parser stopped here; look for an unclosed bracket or quote", error.Message);
    }

    [Fact]
    public void Parse_UnknownAlias_ReportsASyntaxError()
    {
        var error = SingleError("integrations:\n  demo:\n    provider: *nowhere\n");

        Assert.Equal(3, error.Line);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllInFileOrder()
    {
        const string Yaml = """
            integrations:
              demo:
                colour: blue
                syncs:
                  contacts:
                    function: sample-data
                    models: [Contact, contact]
                    frequency: every 10 seconds
                    sync_type: partial
              "bad/key":
                provider: x
            """;

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Yaml, Source));

        Assert.Equal(
            """
            tributary.yaml:2: integrations.demo.provider: is required
            tributary.yaml:3: integrations.demo.colour: unknown key 'colour' (expected one of: provider, display_name, base_url, client_id, client_secret_env, client_secret_file, scopes, syncs)
            tributary.yaml:7: integrations.demo.syncs.contacts.models[1]: 'contact' is not a valid model name (use an uppercase letter first, then at least one of letters, digits, _ and -)
            tributary.yaml:8: integrations.demo.syncs.contacts.frequency: 'every 10 seconds' is shorter than the 30 second minimum
            tributary.yaml:9: integrations.demo.syncs.contacts.sync_type: 'partial' is not a sync type (use incremental or full)
            tributary.yaml:10: integrations['bad/key']: 'bad/key' is not a valid integration key (use letters, digits, spaces and ~ : . @ _ -)
            """,
            exception.Message);
        Assert.Equal([2, 3, 7, 8, 9, 10], exception.Errors.Select(error => error.Line));
        Assert.All(exception.Errors, error => Assert.Equal(Source, error.Source));
    }

    [Fact]
    public void Parse_ProblemsInSeveralIntegrations_AreAllReported()
    {
        const string Yaml = """
            integrations:
              one:
                provider: x
                syncs:
                  a: { function: f, models: [A1], frequency: nope }
              two:
                provider: y
                syncs:
                  b: { function: f, models: [B1], frequency: 1s }
            """;

        var errors = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Yaml, Source)).Errors;

        Assert.Equal(["integrations.one.syncs.a.frequency", "integrations.two.syncs.b.frequency"], errors.Select(error => error.Path));
    }

    private static ConfigError SingleError(string yaml)
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, Source));
        return Assert.Single(exception.Errors);
    }

    private static void AssertError(ConfigError error, int line, string path, string messageStart)
    {
        Assert.Equal(Source, error.Source);
        Assert.Equal(line, error.Line);
        Assert.Equal(path, error.Path);
        Assert.StartsWith(messageStart, error.Message, StringComparison.Ordinal);
    }
}
