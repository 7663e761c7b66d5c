namespace Tributary.Server.Endpoints;

/// <summary><c>PUT /sync/update-connection-frequency</c> (spec §2.3): a per-connection frequency override.</summary>
internal static class FrequencyEndpoints
{
    public static IEndpointRouteBuilder MapFrequencyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapApi("PUT", "/sync/update-connection-frequency", "environment:syncs:update", UpdateAsync)
            .WithName("updateConnectionFrequency").WithTags("Syncs").WithSummary("Override a sync's frequency for one connection")
            .WithDescription("null goes back to the sync config's frequency. Intervals under 30 seconds are refused (\"Sync interval is invalid\"). "
                + "The next run moves to the first slot of the new interval at or after now.")
            .AcceptsJson<FrequencyRequest>().Produces<FrequencyResponse>().ProducesErrors(400, 404);
        return app;
    }

    private static async Task UpdateAsync(HttpContext context, Tenant tenant)
    {
        var request = await ParsedBody.ReadAsync(context, b => FrequencyUpdateRequestParser.Parse(context.Request.Query, b));
        if (request is null)
        {
            return;
        }

        var answer = await context.RequestServices.GetRequiredService<FrequencyService>().SetAsync(
            tenant,
            new FrequencyChange(request.ProviderConfigKey, request.ConnectionId, request.SyncName, request.SyncVariant, request.Frequency),
            Resolve,
            context.RequestAborted);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, new FrequencyResponse(answer), JsonResponses.Json.FrequencyResponse);
    }

    /// <summary>Nango's semantic check of the new frequency, made once the connection and sync are known.</summary>
    private static ResolvedFrequency Resolve(string frequency)
    {
        var interval = FrequencyUpdateRequestParser.ResolveInterval(frequency);
        return interval.IsValid
            ? new ResolvedFrequency((long)interval.Value.Interval.TotalMilliseconds, interval.Value.Normalized)
            : throw new ApiErrorException(interval.Error);
    }
}
