using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Sdk;

namespace Tributary.Bench.Functions;

/// <summary>
/// Makes <c>requests</c> GETs of <c>http_url</c> through <see cref="SyncContext.Http"/> — the provider pipeline a real
/// sync's calls go through (credentials, retries, one run-log line and one metric per call) — with
/// <c>concurrency</c> calls in flight, reading every answer to its end. Saves nothing.
/// </summary>
/// <remarks>
/// With <c>bare: true</c> the run makes the same calls with a bare <see cref="HttpClient"/> (<see cref="BenchBareHttp.Client"/>) instead: the
/// baseline of issue 10's figure, measured in the same worker process, so that both sides pay the same for a second
/// process's share of the cores and differ only by the pipeline. The URL is absolute, so the provider's base URL plays
/// no part.
/// </remarks>
[SyncFunction(Name)]
public sealed class BenchHttpSyncFunction : ISyncFunction
{
    public const string Name = "bench-http";

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.Metadata;
        BenchProbe.Send(metadata, context.RunId, started);
        var requests = BenchMetadata.ReadInt(metadata, "requests", 100, 1, 10_000_000);
        var concurrency = BenchMetadata.ReadInt(metadata, "concurrency", 1, 1, 256);
        var url = BenchMetadata.ReadAbsoluteUrl(metadata, "http_url");
        var http = metadata["bare"] is JsonValue flag && flag.GetValueKind() == JsonValueKind.True ? BenchBareHttp.Client : context.Http;
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            // Each worker takes the next request number until all are taken: bounded by the count.
            while (Interlocked.Increment(ref next) < requests)
            {
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
        });
        await Task.WhenAll(workers);
    }
}
