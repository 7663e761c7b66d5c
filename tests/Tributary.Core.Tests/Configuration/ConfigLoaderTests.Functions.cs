using Tributary.Core.Configuration;
using Tributary.Core.Engine;
using Tributary.Sdk;

namespace Tributary.Core.Tests.Configuration;

/// <summary><c>functions:</c> (function assemblies for the stock binary) and deploy's check of each sync's function.</summary>
public partial class ConfigLoaderTests
{
    private const string FunctionsYaml = """
        functions:
          - bin/My.Syncs.dll
          - /opt/syncs/Other.dll
        integrations:
          crm:
            provider: crm
            syncs:
              contacts: { function: contacts, models: [Contact], frequency: 1h }
        """;

    [Fact]
    public void LoadFile_ResolvesFunctionAssembliesAgainstTheFilesFolder_AndKeepsTheirLines()
    {
        var folder = Directory.CreateTempSubdirectory("tributary-config-").FullName;
        try
        {
            var path = Path.Combine(folder, "tributary.yaml");
            File.WriteAllText(path, FunctionsYaml);

            var config = ConfigLoader.LoadFile(path);

            Assert.Equal([Path.Combine(folder, "bin", "My.Syncs.dll"), "/opt/syncs/Other.dll"], config.FunctionAssemblies.Select(a => a.FullPath));
            Assert.Equal([2, 3], config.FunctionAssemblies.Select(a => a.Line));
            Assert.Equal("functions[0]", config.FunctionAssemblies[0].ConfigPath);
            Assert.Equal(path, config.SourceName);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Parse_AFunctionsEntryThatIsNotADll_IsReported()
    {
        AssertError(SingleError("functions:\n  - syncs/My.Syncs.exe\n"), 2, "functions[0]", "'syncs/My.Syncs.exe' is not a .dll path");
    }

    [Fact]
    public void FunctionCheck_AnUnknownFunction_NamesTheSyncItsLineAndTheAssembliesThatDidNotLoad()
    {
        var config = ConfigLoader.Parse(FunctionsYaml, Source);
        var registry = new SyncFunctionRegistry();

        var exception = Assert.Throws<ConfigException>(() => FunctionCheck.ThrowIfInvalid(config, registry, [], ["/opt/syncs/Other.dll"]));

        AssertError(Assert.Single(exception.Errors), 8, "integrations.crm.syncs.contacts.function", "sync 'contacts' of integration 'crm': no function named 'contacts'");
        Assert.Contains("not loaded: /opt/syncs/Other.dll", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FunctionCheck_AModelTheFunctionDoesNotDeclare_IsReported_AndAFunctionDeclaringNoneAcceptsAny()
    {
        var config = ConfigLoader.Parse(FunctionsYaml, Source);
        var strict = new SyncFunctionRegistry();
        strict.Register("contacts", typeof(CompaniesOnly));
        var lenient = new SyncFunctionRegistry();
        lenient.Register("contacts", typeof(AnyModel));

        var exception = Assert.Throws<ConfigException>(() => FunctionCheck.ThrowIfInvalid(config, strict, [], []));
        FunctionCheck.ThrowIfInvalid(config, lenient, [], []);

        Assert.Contains("function 'contacts' (Tributary.Core.Tests) saves Company, not Contact", Assert.Single(exception.Errors).Message, StringComparison.Ordinal);
    }

    [SyncFunction("companies", Models = ["Company"])]
    private sealed class CompaniesOnly : ISyncFunction
    {
        public Task RunAsync(SyncContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class AnyModel : ISyncFunction
    {
        public Task RunAsync(SyncContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
