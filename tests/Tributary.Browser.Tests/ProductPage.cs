using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Tributary.Testing;

namespace Tributary.Browser.Tests;

/// <summary>
/// A product's own page on its own loopback origin (not Tributary's), as a real frontend would be: it loads
/// <c>@nangohq/frontend</c>'s <c>dist</c> unchanged as ES modules (its files import only each other by relative path, so
/// no bundler or import map is needed), and its "Connect" button runs <c>nango.auth(...)</c>. The outcome lands in
/// <c>#outcome</c> (<c>data-state</c> <c>resolved</c> or <c>rejected</c>, the JSON as text) for the test to read.
/// </summary>
internal sealed partial class ProductPage : IAsyncDisposable
{
    private const string Html = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Acme — connect your account</title><link rel="icon" href="data:,"></head>
        <body style="font-family: sans-serif; margin: 2rem;">
        <h1>Acme</h1>
        <p>Connect your account so Acme can sync your data.</p>
        <button id="connect">Connect</button>
        <pre id="outcome" data-state="idle">not started</pre>
        <script type="module">
        import Nango, { AuthError } from '/sdk/index.js';
        const query = new URLSearchParams(location.search);
        const nango = new Nango({ host: query.get('host'), connectSessionToken: query.get('token') });
        const outcome = document.getElementById('outcome');
        const show = (state, value) => { outcome.textContent = JSON.stringify(value); outcome.dataset.state = state; };
        document.getElementById('connect').addEventListener('click', () => {
          outcome.dataset.state = 'waiting';
          outcome.textContent = 'waiting for the popup…';
          nango.auth(query.get('integration')).then(
            (result) => show('resolved', result),
            (error) => show('rejected', { authError: error instanceof AuthError, type: error.type, message: error.message }));
        });
        document.body.dataset.ready = 'true';
        </script>
        </body>
        </html>
        """;

    private readonly WebApplication _app;

    private ProductPage(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static async Task<ProductPage> StartAsync(string sdkDist, CancellationToken cancellationToken)
    {
        var port = TestServer.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(Html, "text/html; charset=utf-8"));
        app.MapGet("/sdk/{file}", (string file) => SdkFile().IsMatch(file)
            ? Results.File(Path.Combine(sdkDist, file), file.EndsWith(".map", StringComparison.Ordinal) ? "application/json" : "text/javascript")
            : Results.NotFound());
        await app.StartAsync(cancellationToken);
        return new ProductPage(app, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>The page, told where Tributary is, which session token to use and which integration to connect.</summary>
    public Uri For(Uri host, string sessionToken, string integration) =>
        new(BaseUrl, $"?host={Uri.EscapeDataString(host.AbsoluteUri.TrimEnd('/'))}&token={Uri.EscapeDataString(sessionToken)}&integration={Uri.EscapeDataString(integration)}");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    // Only the dist's own file names: nothing else on disk is served.
    [GeneratedRegex("^[A-Za-z]+\\.js(\\.map)?$")]
    private static partial Regex SdkFile();
}
