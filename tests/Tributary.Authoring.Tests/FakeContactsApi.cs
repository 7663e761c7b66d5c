using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tributary.Authoring.Tests;

/// <summary>
/// The API the template's example sync expects, on loopback: <c>GET /api/contacts?offset=&amp;limit=</c> answering
/// <c>{"contacts": [...], "total": N}</c> (at most 100 a page), only with <c>Authorization: Bearer</c> the API key.
/// </summary>
internal sealed class FakeContactsApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeContactsApi(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The base URL a tributary.yaml gives the integration (<c>…/api/</c>).</summary>
    public Uri BaseUrl { get; }

    public int Requests { get; private set; }

    public static async Task<FakeContactsApi> StartAsync(string apiKey, int contacts, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeContactsApi? api = null;
        app.MapGet("/api/contacts", (HttpContext context) =>
        {
            api!.Requests++;
            if (context.Request.Headers.Authorization.ToString() != $"Bearer {apiKey}")
            {
                return Results.Json(new { message = "invalid API key" }, statusCode: 401);
            }

            var offset = int.Parse(context.Request.Query["offset"].ToString(), CultureInfo.InvariantCulture);
            var limit = Math.Min(100, int.Parse(context.Request.Query["limit"].ToString(), CultureInfo.InvariantCulture));
            var page = Enumerable.Range(offset + 1, Math.Max(0, Math.Min(limit, contacts - offset)))
                .Select(n => new { id = n.ToString(CultureInfo.InvariantCulture), email = $"person{n}@example.com", name = $"Person {n}", updated_at = "2026-01-01T00:00:00Z" });
            return Results.Json(new { contacts = page.ToList(), total = contacts });
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        api = new FakeContactsApi(app, new Uri(address.TrimEnd('/') + "/api/"));
        return api;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
