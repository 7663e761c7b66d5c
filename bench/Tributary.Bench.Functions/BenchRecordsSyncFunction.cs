using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Sdk;

namespace Tributary.Bench.Functions;

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
public sealed class BenchRecordsSyncFunction : ISyncFunction
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
