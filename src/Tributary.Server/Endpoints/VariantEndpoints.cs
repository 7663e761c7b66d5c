namespace Tributary.Server.Endpoints;

/// <summary><c>POST</c> and <c>DELETE /sync/{name}/variant/{variant}</c> (spec §2.4).</summary>
internal static class VariantEndpoints
{
    private const string Route = "/sync/{name}/variant/{variant}";

    public static IEndpointRouteBuilder MapVariantEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("POST", Route, "environment:syncs:variant:create", CreateAsync)
            .WithName("createSyncVariant").WithTags("Syncs").WithSummary("Create a sync variant")
            .WithDescription("A new sync of the same config on the connection, scheduled STARTED when the config auto-starts, else PAUSED. "
                + "Errors: invalid_variant (base), unknown_connection, resource_capped (100 variants per sync), "
                + "sync_variant_already_exists, unknown_sync.")
            .AcceptsJson<ConnectionReference>().Produces<VariantResponse>().ProducesErrors(400, 404);
        app.MapApi("DELETE", Route, "environment:syncs:variant:delete", DeleteAsync)
            .WithName("deleteSyncVariant").WithTags("Syncs").WithSummary("Delete a sync variant")
            .WithDescription("Deletes the variant's sync, its runs (a running one is cancelled) and its checkpoints. The request carries a JSON body.")
            .AcceptsJson<ConnectionReference>().Produces<SuccessResponse>().ProducesErrors(400, 404);
        return app;
    }

    private static async Task CreateAsync(HttpContext context, Tenant tenant)
    {
        var request = await ParseAsync(context, create: true);
        if (request is null)
        {
            return;
        }

        var syncId = await context.RequestServices.GetRequiredService<VariantService>()
            .CreateAsync(tenant, Target(request), context.RequestAborted);
        await JsonResponses.WriteAsync(
            context, StatusCodes.Status200OK, new VariantResponse(syncId, request.SyncName, request.Variant), JsonResponses.Json.VariantResponse);
    }

    private static async Task DeleteAsync(HttpContext context, Tenant tenant)
    {
        var request = await ParseAsync(context, create: false);
        if (request is null)
        {
            return;
        }

        await context.RequestServices.GetRequiredService<VariantService>().DeleteAsync(tenant, Target(request), context.RequestAborted);
        await JsonResponses.SuccessAsync(context);
    }

    /// <returns>The request, or null when an error was already answered.</returns>
    private static async Task<SyncVariantRequest?> ParseAsync(HttpContext context, bool create)
    {
        var name = (string?)context.Request.RouteValues["name"] ?? string.Empty;
        var variant = (string?)context.Request.RouteValues["variant"] ?? string.Empty;
        return await ParsedBody.ReadAsync(context, body => create
            ? SyncVariantRequestParser.ParseCreate(name, variant, context.Request.Query, body)
            : SyncVariantRequestParser.ParseDelete(name, variant, context.Request.Query, body));
    }

    private static VariantTarget Target(SyncVariantRequest request) =>
        new(request.ProviderConfigKey, request.ConnectionId, request.SyncName, request.Variant);
}
