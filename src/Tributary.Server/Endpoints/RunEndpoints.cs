using System.Globalization;
using System.Text.Json;
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

/// <summary>Our runs API: what a trigger or a schedule did, run by run (no peer exposes this well).</summary>
internal static class RunEndpoints
{
    public static IEndpointRouteBuilder MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/runs", ApiRequest.Handle("environment:syncs:read", ListAsync));
        app.MapGet("/runs/{id}", ApiRequest.Handle("environment:syncs:read", GetAsync));
        app.MapPost("/runs/{id}/cancel", ApiRequest.Handle("environment:syncs:execute", CancelAsync));
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
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("runs");
            foreach (var run in page.Take(limit))
            {
                WriteRun(w, run);
            }

            w.WriteEndArray();
            if (page.Count > limit)
            {
                w.WriteString("next_cursor", page[limit - 1].Id.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                w.WriteNull("next_cursor");
            }

            w.WriteEndObject();
        });
    }

    private static async Task GetAsync(HttpContext context, Tenant tenant)
    {
        var run = await context.RequestServices.GetRequiredService<RunService>().GetAsync(tenant, RunId(context), context.RequestAborted);
        await JsonResponses.WriteAsync(context, 200, w => WriteRun(w, run));
    }

    private static async Task CancelAsync(HttpContext context, Tenant tenant)
    {
        var run = await context.RequestServices.GetRequiredService<RunService>().CancelAsync(tenant, RunId(context), context.RequestAborted);
        await JsonResponses.WriteAsync(context, 200, w => WriteRun(w, run));
    }

    private static long RunId(HttpContext context) =>
        long.TryParse((string?)context.Request.RouteValues["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw RunService.UnknownRun();

    internal static void WriteRun(Utf8JsonWriter w, RunRow run)
    {
        w.WriteStartObject();
        w.WriteString("id", run.Id.ToString(CultureInfo.InvariantCulture));
        w.WriteString("provider_config_key", run.ProviderConfigKey);
        w.WriteString("connection_id", run.ConnectionId);
        w.WriteString("sync", run.SyncName);
        w.WriteString("variant", run.Variant);
        w.WriteString("state", run.State.ToApiName());
        w.WriteString("trigger_source", run.TriggerSource);
        w.WriteString("initiator", run.Initiator);
        w.WriteBoolean("reset", run.Reset);
        w.WriteBoolean("empty_cache", run.EmptyCache);
        w.WriteString("batch_id", run.BatchId);
        w.WriteNumber("attempts", run.Attempt);
        w.WriteString("queued_at", Micros.ToIsoString(run.QueuedAt));
        w.WriteString("started_at", run.StartedAt is { } s ? Micros.ToIsoString(s) : null);
        w.WriteString("finished_at", run.FinishedAt is { } f ? Micros.ToIsoString(f) : null);
        w.WritePropertyName("result");
        w.WriteRawValue(run.ResultJson ?? "{}");
        w.WriteString("error", run.Error);
        w.WriteEndObject();
    }
}
