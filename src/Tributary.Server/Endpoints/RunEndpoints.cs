using Tributary.Core.Ports;

namespace Tributary.Server.Endpoints;

/// <summary>Our runs API: what a trigger or a schedule did, run by run (no peer exposes this well).</summary>
internal static class RunEndpoints
{
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("GET", "/runs", "environment:syncs:read", ListAsync)
            .WithName("listRuns").WithTags("Runs").WithSummary("List runs (newest first)")
            .AcceptsQuery<Contracts.RunListQuery>().Produces<RunListResponse>().ProducesErrors(400);
        app.MapApi("GET", "/runs/{id}", "environment:syncs:read", GetAsync)
            .WithName("getRun").WithTags("Runs").WithSummary("Get a run")
            .Produces<RunResponse>().ProducesErrors(404);
        app.MapApi("POST", "/runs/{id}/cancel", "environment:syncs:execute", CancelAsync)
            .WithName("cancelRun").WithTags("Runs").WithSummary("Cancel a queued or running run")
            .WithDescription("Answers the run after the change.")
            .Produces<RunResponse>().ProducesErrors(404);
        return app;
    }

    private static async Task ListAsync(HttpContext context, Tenant tenant)
    {
        var parsed = RunListQueryParser.Parse(context.Request.Query);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var query = parsed.Value;
        var limit = query.Limit;
        var page = await context.RequestServices.GetRequiredService<RunService>().ListAsync(
            tenant,
            new RunFilter(query.ProviderConfigKey, query.ConnectionId, query.Sync, query.Variant, query.State, query.BatchId, query.Before, limit + 1),
            context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, RunResponses.Page(page, limit), JsonResponses.Json.RunListResponse);
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        var run = await context.RequestServices.GetRequiredService<RunService>().GetAsync(tenant, RunId(context), context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, RunResponses.From(run), JsonResponses.Json.RunResponse);
    }

    private static async Task CancelAsync(HttpContext context, Tenant tenant)
    {
        var run = await context.RequestServices.GetRequiredService<RunService>().CancelAsync(tenant, RunId(context), context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, RunResponses.From(run), JsonResponses.Json.RunResponse);
    }

    private static long RunId(HttpContext context) =>
        long.TryParse((string?)context.Request.RouteValues["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw RunService.UnknownRun();
}
