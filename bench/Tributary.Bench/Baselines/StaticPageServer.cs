using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Tributary.Bench.Baselines;

/// <summary>
/// The real limit under every records figure that goes through HTTP (issue 14): a bare Kestrel server in the bench
/// process answering one pre-built page — the very bytes the server sent for a page of the same size — to the same
/// client. No database, no auth, no JSON writing: what the two cores give a client fetching pages of this size.
/// </summary>
internal sealed class StaticPageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticPageServer(WebApplication app, Uri page)
    {
        _app = app;
        Page = page;
        LargePage = new Uri(page, "/page/large");
    }

    public Uri Page { get; }

    /// <summary>The second pre-built page given to <see cref="StartAsync(byte[], byte[], CancellationToken)"/> (B8's page of 1,000 records).</summary>
    public Uri LargePage { get; }

    /// <summary>The server's root, as a client's host.</summary>
    public Uri Root => new(Page, "/");

    public static Task<StaticPageServer> StartAsync(byte[] page, CancellationToken cancellationToken) =>
        StartAsync(page, page, cancellationToken);

    /// <summary>Serves <paramref name="page"/> at <see cref="Page"/> and <paramref name="largePage"/> at <see cref="LargePage"/>, the same way.</summary>
    public static async Task<StaticPageServer> StartAsync(byte[] page, byte[] largePage, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        static Task Write(HttpContext http, byte[] body)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.ContentLength = body.Length;
            return http.Response.Body.WriteAsync(body, http.RequestAborted).AsTask();
        }

        Task Answer(HttpContext http) => Write(http, page);
        app.MapGet("/page", Answer);
        app.MapGet("/page/large", http => Write(http, largePage));

        // Where a Nango client asks for records (B16 points @nangohq/node's host here): the same page on every call.
        app.MapGet("/records", Answer);
        await app.StartAsync(cancellationToken);
        return new StaticPageServer(app, new Uri($"http://127.0.0.1:{port}/page"));
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
