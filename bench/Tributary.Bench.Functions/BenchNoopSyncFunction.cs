using System.Diagnostics;
using Tributary.Sdk;

namespace Tributary.Bench.Functions;

/// <summary>Returns at once; reports its start when asked.</summary>
[SyncFunction(Name)]
public sealed class BenchNoopSyncFunction : ISyncFunction
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
