using System.Text.Json.Nodes;
using System.Xml.Linq;
using Tributary.Testing;

namespace Tributary.Server.Tests.Process;

/// <summary>How the shipped `tributary` process is configured to run, where that is a decision of ours.</summary>
public sealed class RuntimeConfigTests
{
    [Fact]
    public void Tributary_RunsServerGcWithDatas_SoItsHeapFollowsTheLiveData()
    {
        var (config, properties) = ShippedConfigProperties();

        Assert.True((bool?)properties?["System.GC.Server"] ?? false, $"{config} does not select Server GC (docs/benchmarks.md, B11).");

        // DATAS is what keeps Server GC small; it is on unless explicitly switched off.
        Assert.NotEqual(0, (int?)properties?["System.GC.DynamicAdaptationMode"] ?? 1);
    }

    [Fact]
    public void Tributary_RunsWithoutTieredPgo_SoHotCodeReachesItsOptimisedTierWithoutAnInstrumentedOne()
    {
        var (config, properties) = ShippedConfigProperties();

        // Absent means on (the runtime's default): the setting must be written, and false (docs/benchmarks.md, B14.rate).
        Assert.False((bool?)properties?["System.Runtime.TieredPGO"] ?? true, $"{config} leaves tiered PGO on.");
    }

    [Fact]
    public void Tributary_CapsGen0sBudget_SoALongRecordsRunDoesNotGrowTheHeap()
    {
        var (config, properties) = ShippedConfigProperties();

        // Absent means DATAS's own budget, which grew gen0 to ~35 MB over a long records run (docs/benchmarks.md, B11).
        Assert.True((long?)properties?["System.GC.Gen0MaxBudget"] == 4L * 1024 * 1024, $"{config} does not cap gen0's budget at 4 MiB.");
    }

    [Fact]
    public void TheTemplatesHost_WritesTheStockServersRuntimeSettings()
    {
        // The template ships as content and cannot import src/Tributary.Cli/ServerRuntime.props, so it repeats the
        // settings: a user's own host must run the runtime the benchmarks measured, and a change to one file must reach
        // the other.
        var stock = RuntimeSettings(Path.Combine(RepositoryRoot.Path, "src", "Tributary.Cli", "ServerRuntime.props"));
        var template = RuntimeSettings(Path.Combine(
            RepositoryRoot.Path, "templates", "Tributary.Templates", "content", "tributary", "src", "Tributary.Example", "Tributary.Example.csproj"));

        Assert.Equal(["RuntimeHostConfigurationOption System.GC.Gen0MaxBudget=4194304", "ServerGarbageCollection=true", "TieredPGO=false"], stock);
        Assert.Equal(stock, template);
    }

    /// <summary>The project file's runtime settings, sorted: the three properties and every runtime host option.</summary>
    private static List<string> RuntimeSettings(string project)
    {
        var document = XDocument.Load(project);
        var properties = document.Descendants()
            .Where(e => e.Name.LocalName is "ServerGarbageCollection" or "TieredPGO" or "ConcurrentGarbageCollection" or "TieredCompilation")
            .Select(e => $"{e.Name.LocalName}={e.Value.Trim()}");
        var options = document.Descendants()
            .Where(e => e.Name.LocalName == "RuntimeHostConfigurationOption")
            .Select(e => $"RuntimeHostConfigurationOption {e.Attribute("Include")?.Value}={e.Attribute("Value")?.Value}");
        return [.. properties.Concat(options).Order(StringComparer.Ordinal)];
    }

    /// <summary>The built `tributary` binary's runtimeconfig file and its <c>configProperties</c> (null when it has none).</summary>
    private static (string Path, JsonNode? Properties) ShippedConfigProperties()
    {
        var config = Path.ChangeExtension(ServerProcess.CliPath, ".runtimeconfig.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        return (config, json["runtimeOptions"]?["configProperties"]);
    }
}
