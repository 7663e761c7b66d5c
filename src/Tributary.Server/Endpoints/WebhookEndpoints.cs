namespace Tributary.Server.Endpoints;

/// <summary>
/// Webhooks: the environment's settings (ours — Nango has only a dashboard endpoint), Nango's public signing-key
/// rotation, and the outbox's deliveries with their manual retry.
/// </summary>
internal static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("GET", "/environment/webhook-settings", "environment:webhooks:read", GetSettingsAsync)
            .WithName("getWebhookSettings").WithTags("Webhooks").WithSummary("Get the environment's webhook settings and signing key")
            .Produces<WebhookSettingsResponse>();
        app.MapApi("PATCH", "/environment/webhook-settings", "environment:webhooks:update", UpdateSettingsAsync)
            .WithName("updateWebhookSettings").WithTags("Webhooks").WithSummary("Change the environment's webhook settings")
            .WithDescription("Only the fields given change; \"\" clears a URL. An empty body is a 400 (\"Nothing to update\"), an unknown field too.")
            .AcceptsJson<WebhookSettingsRequest>().Produces<WebhookSettingsResponse>().ProducesErrors(400);
        app.MapApi("POST", "/environment/webhook-signing-key/rotate", "environment:webhook_signing_key:rotate", RotateAsync)
            .WithName("rotateWebhookSigningKey").WithTags("Webhooks").WithSummary("Replace the webhook signing key")
            .WithDescription("Webhooks sent from now on, including pending deliveries, are signed with the new key.")
            .Produces<WebhookSigningKeyResponse>();
        app.MapApi("GET", "/webhooks/deliveries", "environment:webhooks:read", ListDeliveriesAsync)
            .WithName("listWebhookDeliveries").WithTags("Webhooks").WithSummary("List webhook deliveries (newest first)")
            .AcceptsQuery<WebhookDeliveryListQuery>().Produces<WebhookDeliveryListResponse>().ProducesErrors(400);
        app.MapApi("POST", "/webhooks/deliveries/{id}/retry", "environment:webhooks:update", RetryAsync)
            .WithName("retryWebhookDelivery").WithTags("Webhooks").WithSummary("Send a delivery again")
            .WithDescription("A pending, delivered or dead delivery becomes due now with a fresh retry window. Answers the delivery after the change.")
            .Produces<WebhookDeliveryResponse>().ProducesErrors(404);
        return app;
    }

    private static async Task GetSettingsAsync(HttpContext context, Tenant tenant)
    {
        var service = context.RequestServices.GetRequiredService<WebhookService>();
        var settings = await service.GetSettingsAsync(tenant, context.RequestAborted);
        var key = await service.GetSigningKeyAsync(tenant, context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, WebhookResponses.Settings(settings, key), JsonResponses.Json.WebhookSettingsResponse);
    }

    private static async Task UpdateSettingsAsync(HttpContext context, Tenant tenant)
    {
        var patch = await ParsedBody.ReadAsync(context, b => WebhookSettingsRequestParser.Parse(context.Request.Query, b));
        if (patch is null)
        {
            return;
        }

        var service = context.RequestServices.GetRequiredService<WebhookService>();
        var settings = await service.UpdateSettingsAsync(tenant, patch, context.RequestAborted);
        var key = await service.GetSigningKeyAsync(tenant, context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, WebhookResponses.Settings(settings, key), JsonResponses.Json.WebhookSettingsResponse);
    }

    private static async Task RotateAsync(HttpContext context, Tenant tenant)
    {
        var key = await context.RequestServices.GetRequiredService<WebhookService>().RotateSigningKeyAsync(tenant, context.RequestAborted);
        await JsonResponses.WriteAsync(
            context, StatusCodes.Status200OK, new WebhookSigningKeyResponse(new WebhookSigningKeyData(key)), JsonResponses.Json.WebhookSigningKeyResponse);
    }

    private static async Task ListDeliveriesAsync(HttpContext context, Tenant tenant)
    {
        var parsed = WebhookDeliveryListQueryParser.Parse(context.Request.Query);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var rows = await context.RequestServices.GetRequiredService<WebhookService>().ListDeliveriesAsync(tenant, parsed.Value, context.RequestAborted);
        await JsonResponses.WriteAsync(
            context, StatusCodes.Status200OK, WebhookResponses.Page(rows, parsed.Value.Limit - 1), JsonResponses.Json.WebhookDeliveryListResponse);
    }

    private static async Task RetryAsync(HttpContext context, Tenant tenant)
    {
        if (!WebhookDeliveryListQueryParser.TryParseId((string?)context.Request.RouteValues["id"], out var id))
        {
            throw WebhookService.UnknownDelivery();
        }

        var delivery = await context.RequestServices.GetRequiredService<WebhookService>().RetryDeliveryAsync(tenant, id, context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, WebhookResponses.From(delivery), JsonResponses.Json.WebhookDeliveryResponse);
    }
}
