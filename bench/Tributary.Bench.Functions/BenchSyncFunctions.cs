namespace Tributary.Bench.Functions;

/// <summary>
/// The sync functions the benchmark suite (<c>bench/Tributary.Bench</c>) drives: a no-op, a no-op that keeps its
/// worker slot for a while, a record writer with exact control over which records change, an HTTP caller, and a bare poster of given bodies.
/// </summary>
/// <remarks>
/// They reach no provider (<c>bench-http</c> calls the bench's loopback fake API, <c>bench-post</c> its loopback webhook receiver). The only I/O besides the records cache is an optional UDP datagram to a loopback
/// port named in the metadata (<c>probe_port</c>), sent on the function's first line: the benchmark takes its
/// trigger-to-start latency from it without adding a database write to the path it measures.
/// </remarks>
public static class BenchSyncFunctions
{
    /// <summary>Every bench function by the name the bench's <c>tributary.yaml</c> uses for it.</summary>
    public static IReadOnlyDictionary<string, Type> ByName { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [BenchNoopSyncFunction.Name] = typeof(BenchNoopSyncFunction),
        [BenchHoldSyncFunction.Name] = typeof(BenchHoldSyncFunction),
        [BenchRecordsSyncFunction.Name] = typeof(BenchRecordsSyncFunction),
        [BenchHttpSyncFunction.Name] = typeof(BenchHttpSyncFunction),
        [BenchPostSyncFunction.Name] = typeof(BenchPostSyncFunction),
        [BenchPagedSyncFunction.Name] = typeof(BenchPagedSyncFunction),
    };
}
