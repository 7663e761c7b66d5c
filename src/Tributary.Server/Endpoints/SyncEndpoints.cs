using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Services;
using Tributary.Server.Endpoints.Responses;
using Tributary.Server.Http;
using Tributary.Server.Validation;
using CoreSyncIdentifier = Tributary.Core.Domain.SyncIdentifier;

namespace Tributary.Server.Endpoints;

/// <summary><c>/sync/trigger</c>, <c>/sync/pause</c>, <c>/sync/start</c>, <c>/sync/status</c>.</summary>
internal static class SyncEndpoints
{
    public static IEndpointRouteBuilder MapSyncEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/sync/trigger", ApiRequest.Handle("environment:syncs:execute", IdempotentRequests.Wrap(TriggerAsync)));
        app.MapPost("/sync/pause", ApiRequest.Handle("environment:syncs:execute", (c, t) => SetStateAsync(c, t, paused: true)));
        app.MapPost("/sync/start", ApiRequest.Handle("environment:syncs:execute", (c, t) => SetStateAsync(c, t, paused: false)));
        app.MapGet("/sync/status", ApiRequest.Handle("environment:syncs:read", StatusAsync));
        return app;
    }

    private static async Task TriggerAsync(HttpContext context, Tenant tenant)
    {
        var (body, bodyError) = await RequestBody.ReadAsync(context);
        if (bodyError is not null)
        {
            await JsonResponses.ErrorAsync(context, bodyError);
            return;
        }

        var parsed = TriggerRequestParser.Parse(context.Request.Query, body, NangoHeaders.From(context.Request.Headers));
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var request = parsed.Value;
        var service = context.RequestServices.GetRequiredService<TriggerService>();
        var result = await service.TriggerAsync(
            tenant,
            new SyncCommand(request.ProviderConfigKey, request.ConnectionId, ToCore(request.Syncs)),
            request.Reset,
            request.EmptyCache,
            "API call",
            context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, SyncResponses.Trigger(result), JsonResponses.Json.TriggerResponse);
    }

    private static async Task SetStateAsync(HttpContext context, Tenant tenant, bool paused)
    {
        var (body, bodyError) = await RequestBody.ReadAsync(context);
        if (bodyError is not null)
        {
            await JsonResponses.ErrorAsync(context, bodyError);
            return;
        }

        var parsed = SyncControlRequestParser.Parse(body);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var service = context.RequestServices.GetRequiredService<TriggerService>();
        await service.SetScheduleStateAsync(
            tenant,
            new SyncCommand(parsed.Value.ProviderConfigKey, parsed.Value.ConnectionId, ToCore(parsed.Value.Syncs)),
            paused,
            context.RequestAborted);
        await JsonResponses.SuccessAsync(context);
    }

    private static async Task StatusAsync(HttpContext context, Tenant tenant)
    {
        var parsed = SyncStatusQueryParser.Parse(context.Request.Query);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var query = parsed.Value;
        var service = context.RequestServices.GetRequiredService<StatusService>();
        var statuses = await service.GetAsync(
            tenant,
            query.ProviderConfigKey,
            query.ConnectionId,
            query.AllSyncs ? null : ToCore(query.Syncs),
            context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, SyncResponses.Statuses(statuses), JsonResponses.Json.SyncStatusListResponse);
    }

    internal static List<CoreSyncIdentifier> ToCore(IReadOnlyList<Validation.SyncIdentifier> syncs) =>
        syncs.Select(s => new CoreSyncIdentifier(s.Name, s.Variant)).ToList();
}
