namespace Tributary.Server.Endpoints;

/// <summary>
/// <c>GET /openapi.json</c>: the API description generated from the endpoints (<c>OpenApi/TributaryOpenApi.cs</c>),
/// public like any documentation (it holds no data).
/// </summary>
internal static class OpenApiEndpoints
{
    public const string Path = "/openapi.json";

    public static IEndpointRouteBuilder MapOpenApiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(Path);
        return app;
    }
}
