using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Server.Endpoints.OpenApi;
using Tributary.Server.Hosting;

namespace Tributary.Server.Endpoints;

/// <summary><c>GET /openapi.json</c>: the API description, public like any documentation (it holds no data).</summary>
internal static class OpenApiEndpoints
{
    public const string Path = "/openapi.json";

    public static IEndpointRouteBuilder MapOpenApiEndpoints(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<TributaryServerOptions>();

        // Built once: the document only depends on the path prefix the server runs under.
        var document = OpenApiDocument.Build(options.PathBase);
        app.MapGet(Path, (HttpContext context) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return context.Response.Body.WriteAsync(document, context.RequestAborted).AsTask();
        });
        return app;
    }
}
