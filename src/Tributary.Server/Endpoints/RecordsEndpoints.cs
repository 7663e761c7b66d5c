using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Server.Endpoints;

/// <summary>
/// <c>GET /records</c> and <c>PATCH /records/prune</c>. Routing matches either with the trailing slash the Node
/// client sends (<c>/records/?model=…</c>).
/// </summary>
internal static class RecordsEndpoints
{
    public static IEndpointRouteBuilder MapRecordsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("GET", "/records", "environment:records:read", ListAsync)
            .WithName("listRecords").WithTags("Records").WithSummary("List records")
            .WithDescription("Records of one model (and variant) of a connection, in change order, including deleted ones unless filtered. "
                + "An unreadable cursor is 400 invalid_cursor.")
            .AcceptsHeaders<ConnectionHeaders>().AcceptsQuery<RecordListQuery>().Produces<RecordsPage>().ProducesErrors(400, 404);
        app.MapApi("PATCH", "/records/prune", "environment:records:write", PruneAsync)
            .WithName("pruneRecords").WithTags("Records").WithSummary("Prune record payloads")
            .WithDescription("Empties the payloads of records up to and including until_cursor (metadata and cursor positions stay), "
                + "at most limit per call; call again while has_more.")
            .AcceptsHeaders<ConnectionHeaders>().AcceptsJson<PruneRequest>().Produces<PruneResponse>().ProducesErrors(400, 404);
        return app;
    }

    private static async Task PruneAsync(HttpContext context, Tenant tenant)
    {
        var request = await ParsedBody.ReadAsync(context, b => PruneRecordsRequestParser.Parse(context.Request.Query, b, NangoHeaders.From(context.Request.Headers)));
        if (request is null)
        {
            return;
        }

        var (count, hasMore) = await context.RequestServices.GetRequiredService<RecordsService>().PruneAsync(
            tenant, request.ProviderConfigKey, request.ConnectionId, request.ModelFullName, request.UntilCursor, request.Limit, context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, new PruneResponse(count, hasMore), JsonResponses.Json.PruneResponse);
    }

    private static async Task ListAsync(HttpContext context, Tenant tenant)
    {
        if (RequestChecks.CheckContentType(context.Request.ContentType) is { } contentTypeError)
        {
            await JsonResponses.ErrorAsync(context, contentTypeError);
            return;
        }

        var timeProvider = context.RequestServices.GetRequiredService<TimeProvider>();
        var parsed = RecordsQueryParser.Parse(context.Request.Query, NangoHeaders.From(context.Request.Headers), timeProvider.GetUtcNow());
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var query = parsed.Value;
        var rows = await context.RequestServices.GetRequiredService<RecordsService>().OpenPageAsync(
            tenant,
            query.ProviderConfigKey,
            query.ConnectionId,
            new RecordPageQuery(
                0,
                query.ModelFullName,
                null,
                query.ModifiedAfter is { } modified ? Micros.From(modified) : null,
                (RecordFilter)(int)query.Filter,
                query.Ids,
                query.Limit),
            query.Cursor,
            context.RequestAborted);
        await RecordsStream.WriteAsync(context, rows, query.Limit);
    }
}
