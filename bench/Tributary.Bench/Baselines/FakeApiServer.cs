using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tributary.Bench.Baselines;

/// <summary>
/// B15's provider API: a bare Kestrel server in the bench process answering <c>GET /items</c> with one small,
/// pre-built JSON page, so that what the proxy and <c>SyncContext.Http</c> add is not hidden behind the fake's own work.
/// </summary>
internal sealed class FakeApiServer : IAsyncDisposable
{
    private static readonly byte[] Page = Encoding.UTF8.GetBytes(
        "{\"items\":[" + string.Join(',', Enumerable.Range(1, 5).Select(i => $"{{\"id\":\"{i}\",\"name\":\"item {i}\",\"updated_at\":\"2026-01-01T00:00:00Z\"}}")) + "],\"next\":null}");

    private readonly WebApplication _app;
    private long _requests;

    private FakeApiServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUrl { get; }

    public Uri Items => new(BaseUrl, "items");

    /// <summary>Requests answered so far (the bench checks every call reached the fake).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<FakeApiServer> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new FakeApiServer(app, new Uri($"http://127.0.0.1:{port}/"));
        app.MapGet("/items", (HttpContext http) =>
        {
            Interlocked.Increment(ref server._requests);
            http.Response.ContentType = "application/json";
            http.Response.ContentLength = Page.Length;
            return http.Response.Body.WriteAsync(Page, http.RequestAborted).AsTask();
        });
        await app.StartAsync(cancellationToken);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
