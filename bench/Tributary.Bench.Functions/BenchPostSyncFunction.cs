using System.Text;
using Tributary.Sdk;

namespace Tributary.Bench.Functions;

/// <summary>
/// POSTs every line of <c>bodies_file</c> (one JSON body a line) to <c>http_url</c> with a bare
/// <see cref="HttpClient"/> (<see cref="BenchBareHttp.Client"/>), <c>concurrency</c> POSTs in flight, each answer read to its end. Saves nothing.
/// </summary>
/// <remarks>
/// The baseline of issue 12's delivery rate (B14.rate): "bare HTTP posts to the same receiver from the same process".
/// Run by the worker that delivers the webhooks, it pays the same as the delivery for a second process's share of the
/// two cores, its runtime settings and its loopback sockets, and differs from it only by the outbox (claims, delivered
/// marks, signatures). The file is read before the first POST; the receiver times first to last POST.
/// </remarks>
[SyncFunction(Name)]
public sealed class BenchPostSyncFunction : ISyncFunction
{
    public const string Name = "bench-post";

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.Metadata;
        var concurrency = BenchMetadata.ReadInt(metadata, "concurrency", 1, 1, 256);
        var url = BenchMetadata.ReadAbsoluteUrl(metadata, "http_url");
        var file = BenchMetadata.ReadString(metadata, "bodies_file") ?? throw new ArgumentException("Metadata 'bodies_file' must name a file.");
        var bodies = await File.ReadAllLinesAsync(file, Encoding.UTF8, cancellationToken);
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            // Each loop takes the next body until all are taken: bounded by the file.
            int index;
            while ((index = Interlocked.Increment(ref next)) < bodies.Length)
            {
                using var content = new StringContent(bodies[index], Encoding.UTF8, "application/json");
                using var response = await BenchBareHttp.Client.PostAsync(url, content, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
        });
        await Task.WhenAll(workers);
    }
}
