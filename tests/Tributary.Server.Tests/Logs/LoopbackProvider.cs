using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tributary.Testing;

namespace Tributary.Server.Tests.Logs;

/// <summary>A provider API on loopback: <c>GET /items</c> answers 200, <c>GET /fail</c> answers 500 with an explanation.</summary>
internal sealed class LoopbackProvider : IAsyncDisposable
{
    public const string FailureBody = """{"message":"upstream exploded: quota of tenant 42 is spent"}""";

    private readonly WebApplication _app;
    private readonly Counts _counts;

    private LoopbackProvider(WebApplication app, Uri baseUrl, Counts counts)
    {
        _app = app;
        _counts = counts;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>Requests the provider answered 200 (<c>/items</c>).</summary>
    public int Succeeded => Volatile.Read(ref _counts.Succeeded);

    /// <summary>Requests the provider answered 500 (<c>/fail</c>), retries included.</summary>
    public int Failed => Volatile.Read(ref _counts.Failed);

    public static async Task<LoopbackProvider> StartAsync(CancellationToken cancellationToken)
    {
        var port = TestServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{IPAddress.Loopback}:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var counts = new Counts();
        app.MapGet("/items", () =>
        {
            Interlocked.Increment(ref counts.Succeeded);
            return Results.Text("""[{"id":"1"},{"id":"2"}]""", "application/json");
        });
        app.MapGet("/fail", () =>
        {
            Interlocked.Increment(ref counts.Failed);
            return Results.Text(FailureBody, "application/json", statusCode: StatusCodes.Status500InternalServerError);
        });
        await app.StartAsync(cancellationToken);
        return new LoopbackProvider(app, new Uri($"http://127.0.0.1:{port}/"), counts);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private sealed class Counts
    {
        public int Succeeded;
        public int Failed;
    }
}
