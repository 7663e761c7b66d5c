using System.Text.Json.Serialization;

namespace Tributary.Server.Endpoints;

/// <summary><c>GET /health</c>: liveness, public, on every role.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => Results.Json(new HealthBody("ok"), HealthJson.Default.HealthBody))
            .WithName("health").WithTags("Health").WithSummary("Liveness")
            .Produces<HealthBody>();
        return app;
    }
}

/// <summary>The liveness answer, <c>{"status":"ok"}</c>.</summary>
internal sealed record HealthBody([property: JsonPropertyName("status")] string Status);

[JsonSerializable(typeof(HealthBody))]
internal sealed partial class HealthJson : JsonSerializerContext
{
}
