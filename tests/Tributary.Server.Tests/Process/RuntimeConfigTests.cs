using System.Text.Json.Nodes;
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
        Assert.True((long?)properties?["System.GC.Gen0MaxBudget"] == 2L * 1024 * 1024, $"{config} does not cap gen0's budget at 2 MiB.");
    }

    /// <summary>The built `tributary` binary's runtimeconfig file and its <c>configProperties</c> (null when it has none).</summary>
    private static (string Path, JsonNode? Properties) ShippedConfigProperties()
    {
        var config = Path.ChangeExtension(ServerProcess.CliPath, ".runtimeconfig.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!;
        return (config, json["runtimeOptions"]?["configProperties"]);
    }
}
