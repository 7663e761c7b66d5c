using System.Globalization;

namespace Tributary.Bench.Scenarios;

/// <summary>The integrations, syncs and connections the bench deploys and creates.</summary>
internal static class BenchNames
{
    public const string Bench = "bench";
    public const string Fanout = "fanout";
    public const string Probe = "probe";
    public const string Records = "records";
    public const string Hold = "hold";
    public const string Noop = "noop";
    public const string Http = "http";
    public const string Post = "post";
    public const string ItemModel = "Item";
    public const string LatencyConnection = "lat";
    public const string RecordsConnection = "rec";
    public const string SmallConnection = "small";
    public const string BaselineConnection = "base";
    public const string HttpConnection = "http";
    public const string BareHttpConnection = "http-bare";
    public const string BarePostConnection = "post-bare";

    public static string Load(int index) => "load-" + index.ToString("000", CultureInfo.InvariantCulture);

    public static string HoldConnection(int index) => "hold-" + index.ToString("000", CultureInfo.InvariantCulture);

    public static string FanoutConnection(int index) => "fan-" + index.ToString("00000", CultureInfo.InvariantCulture);

    /// <summary>The fan-out integration's syncs: <c>noop</c> (what B3 triggers) and fillers up to the schedule count B9/B10 need.</summary>
    public static IReadOnlyList<string> FanoutSyncs(int count) =>
        [Noop, .. Enumerable.Range(1, count - 1).Select(i => "s" + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>Every sync config is paused at deploy: nothing runs or fires unless the bench asks.</summary>
    public static string Config(BenchProfile profile)
    {
        var writer = new System.Text.StringBuilder();
        writer.AppendLine("integrations:");
        writer.AppendLine($"  {Bench}:");
        writer.AppendLine("    provider: bench");
        writer.AppendLine("    syncs:");
        AppendSync(writer, Probe, "bench-noop", "Probe");
        AppendSync(writer, Records, "bench-records", ItemModel);
        AppendSync(writer, Hold, "bench-hold", "Probe");
        AppendSync(writer, Http, "bench-http", "Probe");
        AppendSync(writer, Post, "bench-post", "Probe");
        writer.AppendLine($"  {Fanout}:");
        writer.AppendLine("    provider: bench");
        writer.AppendLine("    syncs:");
        foreach (var sync in FanoutSyncs(profile.SyncsPerFanoutConnection))
        {
            AppendSync(writer, sync, "bench-noop", "Probe");
        }

        DeclarativeScenario.AppendConfig(writer);
        return writer.ToString();
    }

    private static void AppendSync(System.Text.StringBuilder writer, string name, string function, string model)
    {
        writer.AppendLine($"      {name}:");
        writer.AppendLine($"        function: {function}");
        writer.AppendLine($"        models: [{model}]");
        writer.AppendLine("        frequency: every 1d");
        writer.AppendLine("        auto_start: false");
    }
}
