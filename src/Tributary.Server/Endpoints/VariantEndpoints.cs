using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;
using Tributary.Core.Services;
using Tributary.Server.Http;
using Tributary.Server.Validation;

namespace Tributary.Server.Endpoints;

/// <summary><c>POST</c> and <c>DELETE /sync/{name}/variant/{variant}</c> (spec §2.4).</summary>
internal static class VariantEndpoints
{
    /// <summary>Nango's default <c>variants_per_sync_max</c>; the base variant counts.</summary>
    internal const int MaxVariantsPerSync = 100;

    private const string Route = "/sync/{name}/variant/{variant}";

    public static IEndpointRouteBuilder MapVariantEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, ApiRequest.Handle("environment:syncs:variant:create", CreateAsync));
        app.MapDelete(Route, ApiRequest.Handle("environment:syncs:variant:delete", DeleteAsync));
        return app;
    }

    private static async Task CreateAsync(HttpContext context, Tenant tenant)
    {
        var request = await ParseAsync(context, create: true);
        if (request is null)
        {
            return;
        }

        var control = context.RequestServices.GetRequiredService<IControlStore>();
        var cancellationToken = context.RequestAborted;
        var connection = await control.GetConnectionAsync(tenant.EnvironmentId, request.ConnectionId, request.ProviderConfigKey, cancellationToken);
        if (connection is null)
        {
            await JsonResponses.ErrorAsync(context, Error(StatusCodes.Status400BadRequest, "unknown_connection"));
            return;
        }

        var variants = context.RequestServices.GetRequiredService<IVariantStore>();
        var timeProvider = context.RequestServices.GetRequiredService<TimeProvider>();
        var result = await variants.CreateAsync(
            new NewVariant(connection.Id, connection.IntegrationId, request.SyncName, request.Variant, MaxVariantsPerSync, Micros.Now(timeProvider)),
            cancellationToken);
        var error = result.Status switch
        {
            VariantCreationStatus.Capped => Error(
                StatusCodes.Status400BadRequest, "resource_capped", $"Maximum number of variants per sync ({MaxVariantsPerSync}) reached"),
            VariantCreationStatus.AlreadyExists => Error(StatusCodes.Status400BadRequest, "sync_variant_already_exists"),
            VariantCreationStatus.UnknownSync => Error(StatusCodes.Status400BadRequest, "unknown_sync"),
            _ => null,
        };
        if (error is not null)
        {
            await JsonResponses.ErrorAsync(context, error);
            return;
        }

        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("id", result.SyncId);
            w.WriteString("name", request.SyncName);
            w.WriteString("variant", request.Variant);
            w.WriteEndObject();
        });
    }

    private static async Task DeleteAsync(HttpContext context, Tenant tenant)
    {
        var request = await ParseAsync(context, create: false);
        if (request is null)
        {
            return;
        }

        var control = context.RequestServices.GetRequiredService<IControlStore>();
        var cancellationToken = context.RequestAborted;
        var connection = await control.GetConnectionAsync(tenant.EnvironmentId, request.ConnectionId, request.ProviderConfigKey, cancellationToken);
        if (connection is null)
        {
            await JsonResponses.ErrorAsync(context, Error(StatusCodes.Status400BadRequest, "unknown_connection"));
            return;
        }

        var variants = context.RequestServices.GetRequiredService<IVariantStore>();
        var timeProvider = context.RequestServices.GetRequiredService<TimeProvider>();
        var deleted = await variants.DeleteAsync(connection.Id, request.SyncName, request.Variant, Micros.Now(timeProvider), cancellationToken);
        if (deleted is null)
        {
            await JsonResponses.ErrorAsync(context, Error(StatusCodes.Status404NotFound, "not_found"));
            return;
        }

        context.RequestServices.GetRequiredService<RunCancellations>().CancelSync(deleted);
        await JsonResponses.SuccessAsync(context);
    }

    /// <returns>The request, or null when an error was already answered.</returns>
    private static async Task<SyncVariantRequest?> ParseAsync(HttpContext context, bool create)
    {
        var (body, bodyError) = await RequestBody.ReadAsync(context);
        if (bodyError is not null)
        {
            await JsonResponses.ErrorAsync(context, bodyError);
            return null;
        }

        var name = (string?)context.Request.RouteValues["name"] ?? string.Empty;
        var variant = (string?)context.Request.RouteValues["variant"] ?? string.Empty;
        var parsed = create
            ? SyncVariantRequestParser.ParseCreate(name, variant, context.Request.Query, body)
            : SyncVariantRequestParser.ParseDelete(name, variant, context.Request.Query, body);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return null;
        }

        return parsed.Value;
    }

    private static ApiError Error(int status, string code, string? message = null) => new(status, code, message);
}
