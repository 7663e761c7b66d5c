using CoreSyncIdentifier = Tributary.Core.Domain.SyncIdentifier;

namespace Tributary.Server.Endpoints;

/// <summary><c>/sync/trigger</c>, <c>/sync/pause</c>, <c>/sync/start</c>, <c>/sync/status</c>.</summary>
internal static class SyncEndpoints
{
    public static IEndpointRouteBuilder MapSyncEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("POST", "/sync/trigger", "environment:syncs:execute", IdempotentRequests.Wrap(TriggerAsync))
            .WithName("triggerSync").WithTags("Syncs").WithSummary("Trigger a sync")
            .WithDescription("Triggers an additional, one-off execution of the given syncs, for one connection or (without connection_id) "
                + "every connection of the integration. All or nothing: when one named sync does not exist, nothing is applied. A sync "
                + "already running gets one follow-up run (coalesced with any already queued). The provider config key and connection "
                + "id may also come from the Provider-Config-Key and Connection-Id headers. An Idempotency-Key header makes a retry "
                + "get the first answer back.")
            .AcceptsJson<TriggerRequest>().Produces<TriggerResponse>().ProducesErrors(400, 404, 409);
        app.MapApi("POST", "/sync/pause", "environment:syncs:execute", (c, t) => SetStateAsync(c, t, paused: true))
            .WithName("pauseSyncs").WithTags("Syncs").WithSummary("Pause syncs")
            .WithDescription("Pauses the schedules of the syncs; their queued and running runs are cancelled.")
            .AcceptsJson<SyncScheduleRequest>().Produces<SuccessResponse>().ProducesErrors(400, 404);
        app.MapApi("POST", "/sync/start", "environment:syncs:execute", (c, t) => SetStateAsync(c, t, paused: false))
            .WithName("startSyncs").WithTags("Syncs").WithSummary("Start (resume) syncs")
            .WithDescription("Resumes the schedules; a sync whose slot passed while paused runs at once, others at their next slot.")
            .AcceptsJson<SyncScheduleRequest>().Produces<SuccessResponse>().ProducesErrors(400, 404);
        app.MapApi("GET", "/sync/status", "environment:syncs:read", StatusAsync)
            .WithName("syncStatus").WithTags("Syncs").WithSummary("Sync status")
            .AcceptsQuery<StatusQuery>().Produces<SyncStatusListResponse>().ProducesErrors(400, 404);
        return app;
    }

    private static async Task TriggerAsync(HttpContext context, Tenant tenant)
    {
        var request = await ParsedBody.ReadAsync(context, b => TriggerRequestParser.Parse(context.Request.Query, b, NangoHeaders.From(context.Request.Headers)));
        if (request is null)
        {
            return;
        }

        var service = context.RequestServices.GetRequiredService<TriggerService>();

        // With an Idempotency-Key the answer is rendered before the commit and stored in the trigger's transaction.
        var reserved = context.Features.Get<ReservedIdempotencyKey>();
        string? rendered = null;
        var remember = reserved is null
            ? null
            : new RememberedAnswer(reserved.Key, StatusCodes.Status200OK, result => rendered = JsonResponses.Render(SyncResponses.Trigger(result), JsonResponses.Json.TriggerResponse));
        var result = await service.TriggerAsync(
            tenant,
            new SyncCommand(request.ProviderConfigKey, request.ConnectionId, ToCore(request.Syncs)),
            request.Reset,
            request.EmptyCache,
            "API call",
            remember,
            context.RequestAborted);
        if (reserved is not null && rendered is not null)
        {
            reserved.RememberedInTransaction = true;
            await JsonResponses.WriteRenderedAsync(context, StatusCodes.Status200OK, rendered);
            return;
        }

        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, SyncResponses.Trigger(result), JsonResponses.Json.TriggerResponse);
    }

    private static async Task SetStateAsync(HttpContext context, Tenant tenant, bool paused)
    {
        var request = await ParsedBody.ReadAsync(context, SyncControlRequestParser.Parse);
        if (request is null)
        {
            return;
        }

        var service = context.RequestServices.GetRequiredService<TriggerService>();
        await service.SetScheduleStateAsync(
            tenant,
            new SyncCommand(request.ProviderConfigKey, request.ConnectionId, ToCore(request.Syncs)),
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
