using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Services;
using Tributary.Server.Http;
using Tributary.Server.Validation;

namespace Tributary.Server.Endpoints;

/// <summary><c>PUT /sync/update-connection-frequency</c> (spec §2.3): a per-connection frequency override.</summary>
internal static class FrequencyEndpoints
{
    public static IEndpointRouteBuilder MapFrequencyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/sync/update-connection-frequency", ApiRequest.Handle("environment:syncs:update", UpdateAsync));
        return app;
    }

    private static async Task UpdateAsync(HttpContext context, Tenant tenant)
    {
        var (body, bodyError) = await RequestBody.ReadAsync(context);
        if (bodyError is not null)
        {
            await JsonResponses.ErrorAsync(context, bodyError);
            return;
        }

        var parsed = FrequencyUpdateRequestParser.Parse(context.Request.Query, body);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return;
        }

        var request = parsed.Value;
        var control = context.RequestServices.GetRequiredService<IControlStore>();
        var cancellationToken = context.RequestAborted;

        // Nango answers both misses with a bare code and no message.
        var connection = await control.GetConnectionAsync(tenant.EnvironmentId, request.ConnectionId, request.ProviderConfigKey, cancellationToken);
        if (connection is null)
        {
            await JsonResponses.ErrorAsync(context, new ApiError(StatusCodes.Status400BadRequest, "unknown_connection"));
            return;
        }

        var syncs = await control.GetSyncsAsync(connection.Id, cancellationToken);
        var sync = syncs.FirstOrDefault(s => s.Name == request.SyncName && s.Variant == request.SyncVariant);
        if (sync is null)
        {
            await JsonResponses.ErrorAsync(context, UnknownSync());
            return;
        }

        string answer;
        long frequencyMs;
        if (request.Frequency is { Length: > 0 } frequency)
        {
            var interval = FrequencyUpdateRequestParser.ResolveInterval(frequency);
            if (!interval.IsValid)
            {
                await JsonResponses.ErrorAsync(context, interval.Error);
                return;
            }

            answer = interval.Value.Normalized;
            frequencyMs = (long)interval.Value.Interval.TotalMilliseconds;
        }
        else
        {
            // Back to the sync config's own frequency, answered as written in the configuration.
            var configs = await control.GetSyncConfigsAsync(connection.IntegrationId, cancellationToken);
            var config = configs.FirstOrDefault(c => c.Id == sync.SyncConfigId);
            if (config is null || string.IsNullOrEmpty(config.Frequency))
            {
                await JsonResponses.ErrorAsync(context, UnknownSync());
                return;
            }

            answer = config.Frequency;
            frequencyMs = config.FrequencyMs;
        }

        var schedules = context.RequestServices.GetRequiredService<IScheduleStore>();
        var timeProvider = context.RequestServices.GetRequiredService<TimeProvider>();
        await schedules.SetFrequencyAsync(sync.Id, request.Frequency is { Length: > 0 } ? request.Frequency : null, frequencyMs, Micros.Now(timeProvider), cancellationToken);
        await JsonResponses.WriteAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartObject();
            w.WriteString("frequency", answer);
            w.WriteEndObject();
        });
    }

    private static ApiError UnknownSync() => new(StatusCodes.Status400BadRequest, "unknown_sync");
}
