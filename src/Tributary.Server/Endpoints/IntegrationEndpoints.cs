using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Domain;
using Tributary.Core.Errors;
using Tributary.Core.Ports;
using Tributary.Core.Services;
using Tributary.Server.Http;

namespace Tributary.Server.Endpoints;

/// <summary>Read access to integrations in Nango's shapes (they are defined in tributary.yaml), and environment variables.</summary>
internal static class IntegrationEndpoints
{
    public static IEndpointRouteBuilder MapIntegrationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/integrations", ApiRequest.Handle("environment:integrations:read", ListAsync));
        app.MapGet("/integrations/{key}", ApiRequest.Handle("environment:integrations:read", GetAsync));
        app.MapGet("/environment-variables", ApiRequest.Handle("environment:environment_variables:read", (c, _) =>
            JsonResponses.WriteAsync(c, 200, w =>
            {
                w.WriteStartArray();
                w.WriteEndArray();
            })));
        return app;
    }

    private static async Task ListAsync(HttpContext context, Tenant tenant)
    {
        var control = context.RequestServices.GetRequiredService<IControlStore>();
        var integrations = await control.ListIntegrationsAsync(tenant.EnvironmentId, context.RequestAborted);
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var integration in integrations)
            {
                Write(w, integration);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        var control = context.RequestServices.GetRequiredService<IControlStore>();
        var key = (string)context.Request.RouteValues["key"]!;
        var integration = await control.GetIntegrationAsync(tenant.EnvironmentId, key, context.RequestAborted)
            ?? throw new TributaryException(404, "not_found", "Integration does not exist");
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("data");
            Write(w, integration);
            w.WriteEndObject();
        });
    }

    private static void Write(Utf8JsonWriter w, Integration integration)
    {
        w.WriteStartObject();
        w.WriteString("unique_key", integration.UniqueKey);
        w.WriteString("display_name", integration.DisplayName ?? integration.UniqueKey);
        w.WriteString("provider", integration.Provider);
        w.WriteString("logo", string.Empty);
        w.WriteString("created_at", Micros.ToIsoString(integration.CreatedAt));
        w.WriteString("updated_at", Micros.ToIsoString(integration.UpdatedAt));
        w.WriteEndObject();
    }
}
