using System.Diagnostics;
using Tributary.Sdk;

namespace Tributary.Bench.Functions;

/// <summary>Keeps its slot for <c>hold_ms</c> (or until cancelled), so that many runs are running at once.</summary>
[SyncFunction(Name)]
public sealed class BenchHoldSyncFunction : ISyncFunction
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
