using System.Diagnostics;
using System.Text.Json.Nodes;
using Tributary.Bench.Infrastructure;

namespace Tributary.Bench.Scenarios;

/// <summary>Creates every connection through <c>POST /connections</c>, as an application would import them.</summary>
internal static class Setup
{
    private const int Parallelism = 8;

    /// <summary>How long each hold run keeps its slot: long enough for the bench to start the rest and sample.</summary>
    public static int HoldMilliseconds(BenchProfile profile) => profile.IsQuick ? 2_500 : 10_000;

    public static async Task CreateConnectionsAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var profile = context.Profile;
        var port = context.Probe.Port;
        var started = Stopwatch.GetTimestamp();
        var bench = new List<(string Id, JsonObject Metadata)>
        {
            (BenchNames.LatencyConnection, new JsonObject { ["probe_port"] = port }),
            (BenchNames.RecordsConnection, RecordsMetadata(profile.Records, port)),
            (BenchNames.SmallConnection, RecordsMetadata(profile.SmallRecords, port)),
            (BenchNames.BaselineConnection, []),
        };
        for (var i = 0; i < profile.LoadSyncs; i++)
        {
            bench.Add((BenchNames.Load(i), new JsonObject
            {
                ["probe_port"] = port,
                ["mode"] = "load",
                ["records"] = profile.LoadRecordsPerSync,
                ["batch_size"] = Math.Min(1000, profile.LoadRecordsPerSync),
                ["max_ms"] = 600_000,
            }));
        }

        for (var i = 0; i < profile.HoldHigh; i++)
        {
            bench.Add((BenchNames.HoldConnection(i), new JsonObject { ["probe_port"] = port, ["hold_ms"] = HoldMilliseconds(profile) }));
        }

        await Parallel.ForEachAsync(
            bench,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (item, token) => await api.CreateConnectionAsync(BenchNames.Bench, item.Id, item.Metadata, token));
        await Parallel.ForEachAsync(
            Enumerable.Range(0, profile.FanoutConnections),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, token) => await api.CreateConnectionAsync(BenchNames.Fanout, BenchNames.FanoutConnection(i), [], token));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var total = bench.Count + profile.FanoutConnections;
        context.Info($"created {total:N0} connections ({profile.Schedules:N0} fan-out syncs) in {seconds:0.0} s ({total / seconds:N0}/s)");
    }

    /// <summary>Only the connections of B11's hold runs (<c>--only B4</c>: B11's figures after the drain).</summary>
    public static async Task CreateHoldConnectionsAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var hold = new JsonObject { ["probe_port"] = context.Probe.Port, ["hold_ms"] = HoldMilliseconds(context.Profile) };
        await Parallel.ForEachAsync(
            Enumerable.Range(0, context.Profile.HoldHigh),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, token) => await api.CreateConnectionAsync(BenchNames.Bench, BenchNames.HoldConnection(i), (JsonObject)hold.DeepClone(), token));
    }

    /// <summary>Only the records connections and the raw baseline's target (B5–B7 and B11's peaks need nothing else).</summary>
    public static async Task CreateRecordsConnectionsAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        await api.CreateConnectionAsync(BenchNames.Bench, BenchNames.RecordsConnection, RecordsMetadata(context.Profile.Records, context.Probe.Port), cancellationToken);
        await api.CreateConnectionAsync(BenchNames.Bench, BenchNames.SmallConnection, RecordsMetadata(context.Profile.SmallRecords, context.Probe.Port), cancellationToken);
        await api.CreateConnectionAsync(BenchNames.Bench, BenchNames.BaselineConnection, [], cancellationToken);
    }

    /// <summary>Only the fan-out connections (B10 alone needs nothing else).</summary>
    public static async Task CreateFanoutConnectionsAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, context.Profile.FanoutConnections),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, token) => await api.CreateConnectionAsync(BenchNames.Fanout, BenchNames.FanoutConnection(i), [], token));
        context.Info($"created {context.Profile.FanoutConnections:N0} fan-out connections ({context.Profile.Schedules:N0} syncs) in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    /// <summary>Runs the probe sync once: a server built without the bench functions fails here, with a hint, not later.</summary>
    public static async Task PreflightAsync(BenchApi api, CancellationToken cancellationToken)
    {
        var response = await api.TriggerAsync(BenchNames.Bench, [BenchNames.Probe], BenchNames.LatencyConnection, cancellationToken);
        var runId = (string)response["runs"]![0]!["run_id"]!;
        var run = await api.WaitForRunAsync(runId, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(200), cancellationToken);
        if ((string?)run["state"] != "succeeded")
        {
            throw new InvalidOperationException(
                $"The first bench run ended {(string?)run["state"]}: {(string?)run["error"]} — is the server the bench host "
                + "(bench/Tributary.Bench.Host, which registers the bench functions; a plain `tributary serve` does not know them)?");
        }
    }

    private static JsonObject RecordsMetadata(int records, int port) => new()
    {
        ["probe_port"] = port,
        ["records"] = records,
        ["batch_size"] = 1000,
        ["payload_bytes"] = 1024,
    };
}
