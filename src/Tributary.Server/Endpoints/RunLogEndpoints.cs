namespace Tributary.Server.Endpoints;

/// <summary><c>GET /runs/{id}/logs</c>: a run's log, paged by cursor; <c>follow=true</c> long-polls a running run.</summary>
internal static class RunLogEndpoints
{
    public static IEndpointRouteBuilder MapRunLogEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("GET", "/runs/{id}/logs", "environment:syncs:read", GetAsync)
            .WithName("getRunLogs").WithTags("Runs").WithSummary("Read a run's log (oldest first); follow a running run")
            .WithDescription("With follow=true, a read that finds no new line of a queued or running run waits (up to `wait` seconds) for the next ones; `done` says the run finished and its log was read to the end.")
            .AcceptsQuery<Contracts.RunLogQuery>().Produces<RunLogPageResponse>().ProducesErrors(400, 404);
        return app;
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        var runId = long.TryParse((string?)context.Request.RouteValues["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw RunService.UnknownRun();
        var parsed = RunLogQueryParser.Parse(context.Request.Query);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var query = parsed.Value;
        var page = await context.RequestServices.GetRequiredService<RunLogService>().ReadAsync(
            tenant, runId, query.After, query.Limit, query.Wait, context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, RunLogResponses.From(page), JsonResponses.Json.RunLogPageResponse);
    }
}
