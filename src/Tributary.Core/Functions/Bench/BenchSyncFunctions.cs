using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Engine;
using Tributary.Sdk;

namespace Tributary.Core.Functions.Bench;

/// <summary>
/// The sync functions the benchmark suite (<c>bench/Tributary.Bench</c>) drives: a no-op, a no-op that keeps its
/// worker slot for a while, and a record writer with exact control over which records change.
/// </summary>
/// <remarks>
/// They reach no provider. The only I/O besides the records cache is an optional UDP datagram to a loopback
/// port named in the metadata (<c>probe_port</c>), sent on the function's first line: the benchmark takes its
/// trigger-to-start latency from it without adding a database write to the path it measures.
/// </remarks>
internal static class BenchSyncFunctions
{
    public static void Register(SyncFunctionRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(typeof(BenchNoopSyncFunction));
        registry.Register(typeof(BenchHoldSyncFunction));
        registry.Register(typeof(BenchRecordsSyncFunction));
    }
}

/// <summary>Returns at once; reports its start when asked.</summary>
[SyncFunction(Name)]
internal sealed class BenchNoopSyncFunction : ISyncFunction
{
    public const string Name = "bench-noop";

    public Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(context);
        BenchProbe.Send(context.Metadata, context.RunId, started);
        return Task.CompletedTask;
    }
}

/// <summary>Keeps its slot for <c>hold_ms</c> (or until cancelled), so that many runs are running at once.</summary>
[SyncFunction(Name)]
internal sealed class BenchHoldSyncFunction : ISyncFunction
{
    public const string Name = "bench-hold";

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.Metadata;
        BenchProbe.Send(metadata, context.RunId, started);
        var hold = BenchMetadata.ReadInt(metadata, "hold_ms", 1000, 0, 600_000);
        await Task.Delay(TimeSpan.FromMilliseconds(hold), context.TimeProvider, cancellationToken);
    }
}

/// <summary>
/// Saves records <c>1..records</c> of the sync's first model in batches through <see cref="SyncContext.BatchSaveAsync{T}"/>.
/// </summary>
/// <remarks>
/// Metadata: <c>records</c>, <c>batch_size</c> (1..10000), <c>payload_bytes</c> (~JSON size, 200..8192),
/// <c>changed_every</c> and <c>changed_version</c> (ids divisible by <c>changed_every</c> carry that version, the
/// others version 0, so the benchmark knows exactly which ids changed), and <c>mode</c>: <c>save</c> (one pass) or
/// <c>load</c> (pass after pass, every record changed each pass, until cancelled or <c>max_ms</c> passed).
/// </remarks>
[SyncFunction(Name)]
internal sealed class BenchRecordsSyncFunction : ISyncFunction
{
    public const string Name = "bench-records";

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.Metadata;
        BenchProbe.Send(metadata, context.RunId, started);
        var records = BenchMetadata.ReadInt(metadata, "records", 1000, 0, 100_000_000);
        var batchSize = BenchMetadata.ReadInt(metadata, "batch_size", 1000, 1, 10_000);
        var payloadBytes = BenchMetadata.ReadInt(metadata, "payload_bytes", 1024, 200, 8192);
        var changedEvery = BenchMetadata.ReadInt(metadata, "changed_every", 0, 0, int.MaxValue);
        var changedVersion = BenchMetadata.ReadInt(metadata, "changed_version", 1, 0, int.MaxValue);
        var load = metadata["mode"] is JsonValue mode && mode.GetValueKind() == JsonValueKind.String
            && string.Equals(mode.GetValue<string>(), "load", StringComparison.Ordinal);
        var maxMs = BenchMetadata.ReadInt(metadata, "max_ms", 600_000, 1, 3_600_000);
        var model = context.Models[0];
        if (!load)
        {
            await SavePassAsync(context, model, records, batchSize, payloadBytes, id => changedEvery > 0 && id % changedEvery == 0 ? changedVersion : 0, cancellationToken);
            return;
        }

        // Every pass rewrites every record: writes never become no-ops, so the cache stays under write load.
        for (var pass = 1; Stopwatch.GetElapsedTime(started).TotalMilliseconds < maxMs; pass++)
        {
            var version = pass;
            await SavePassAsync(context, model, records, batchSize, payloadBytes, _ => version, cancellationToken);
        }
    }

    private static async Task SavePassAsync(
        SyncContext context, string model, int records, int batchSize, int payloadBytes, Func<long, int> versionOf, CancellationToken cancellationToken)
    {
        // A new list per batch, as a real function would build per API page: memory stays at one batch.
        var batch = new List<BenchItem>(Math.Min(batchSize, records));
        for (long id = 1; id <= records; id++)
        {
            batch.Add(BenchItem.Create(id, versionOf(id), payloadBytes));
            if (batch.Count == batchSize || id == records)
            {
                await context.BatchSaveAsync(batch, model, cancellationToken);
                batch = new List<BenchItem>(batchSize);
            }
        }
    }
}

/// <summary>One benchmark record; the note pads the JSON to about the requested size.</summary>
internal sealed record BenchItem(string Id, int Version, string Name, string Email, string Company, string City, string Note)
{
    private const int FixedBytes = 170;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789";

    // Deterministic filler: the same id and version always serialise to the same bytes (and the same hash).
    private static readonly string Filler = string.Create(16_384, 0, static (span, _) =>
    {
        var state = 0x2545F491u;
        for (var i = 0; i < span.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            span[i] = Alphabet[(int)(state % (uint)Alphabet.Length)];
        }
    });

    public static BenchItem Create(long id, int version, int payloadBytes)
    {
        var text = id.ToString(CultureInfo.InvariantCulture);
        var noteLength = Math.Max(0, payloadBytes - FixedBytes);
        var start = (int)((id * 7919 + version * 104_729L) % (Filler.Length - noteLength));
        return new BenchItem(
            text,
            version,
            $"Item {text} v{version.ToString(CultureInfo.InvariantCulture)}",
            $"item{text}@example.com",
            $"Company {(id % 997).ToString(CultureInfo.InvariantCulture)}",
            $"City {(id % 89).ToString(CultureInfo.InvariantCulture)}",
            Filler.Substring(start, noteLength));
    }
}

/// <summary>The loopback datagram <c>"{run id} {Stopwatch timestamp} {Stopwatch frequency}"</c>.</summary>
internal static class BenchProbe
{
    public static void Send(JsonObject metadata, string runId, long timestamp)
    {
        var port = BenchMetadata.ReadInt(metadata, "probe_port", 0, 0, 65_535);
        if (port == 0)
        {
            return;
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{runId} {timestamp} {Stopwatch.Frequency}");
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.SendTo(Encoding.ASCII.GetBytes(text), new IPEndPoint(IPAddress.Loopback, port));
        }
        catch (SocketException)
        {
            // A lost probe costs the benchmark one sample, never the run.
        }
    }
}

internal static class BenchMetadata
{
    public static int ReadInt(JsonObject metadata, string key, int fallback, int min, int max)
    {
        if (!metadata.TryGetPropertyValue(key, out var node) || node is null)
        {
            return fallback;
        }

        var text = node.GetValueKind() switch
        {
            JsonValueKind.Number => node.ToJsonString(),
            JsonValueKind.String => node.GetValue<string>(),
            _ => null,
        };
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"Metadata '{key}' must be a whole number from {min} to {max}; got {node.ToJsonString()}.");
        }

        return (int)value;
    }
}
