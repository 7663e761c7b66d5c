using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Sdk;

namespace Tributary.Bench.Functions;

/// <summary>
/// POSTs every line of <c>bodies_file</c> (one JSON body a line) to <c>http_url</c> with a bare
/// <see cref="HttpClient"/> of its own, <c>concurrency</c> POSTs in flight, each answer read to its end. Saves nothing.
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

    /// <summary>One client for this process's runs, as a caller who manages their own would keep it.</summary>
    private static readonly HttpClient Bare = new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        Timeout = TimeSpan.FromSeconds(20),
    };

    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.Metadata;
        var concurrency = BenchMetadata.ReadInt(metadata, "concurrency", 1, 1, 256);
        var url = ReadString(metadata, "http_url") is { } text && Uri.TryCreate(text, UriKind.Absolute, out var parsed)
            ? parsed
            : throw new ArgumentException("Metadata 'http_url' must be an absolute URL.");
        var file = ReadString(metadata, "bodies_file") ?? throw new ArgumentException("Metadata 'bodies_file' must name a file.");
        var bodies = await File.ReadAllLinesAsync(file, Encoding.UTF8, cancellationToken);
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            // Each loop takes the next body until all are taken: bounded by the file.
            int index;
            while ((index = Interlocked.Increment(ref next)) < bodies.Length)
            {
                using var content = new StringContent(bodies[index], Encoding.UTF8, "application/json");
                using var response = await Bare.PostAsync(url, content, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
        });
        await Task.WhenAll(workers);
    }

    private static string? ReadString(JsonObject metadata, string key) =>
        metadata[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
