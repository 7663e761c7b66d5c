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
using CoreSyncIdentifier = Tributary.Core.Domain.SyncIdentifier;

namespace Tributary.Server.Endpoints;

/// <summary><c>/sync/trigger</c>, <c>/sync/pause</c>, <c>/sync/start</c>, <c>/sync/status</c>.</summary>
internal static class SyncEndpoints
{
    /// <summary>Up to this many targets the trigger answer lists every run; above it, counts and the batch id.</summary>
    private const int MaxListedRuns = 100;

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

        // With an Idempotency-Key the answer is rendered before the commit and stored in the trigger's transaction.
        var reserved = context.Features.Get<ReservedIdempotencyKey>();
        string? rendered = null;
        var remember = reserved is null
            ? null
            : new RememberedAnswer(reserved.Key, StatusCodes.Status200OK, result => rendered = JsonResponses.Render(w => WriteTriggerAnswer(w, result)));
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

        await JsonResponses.WriteAsync(context, 200, w => WriteTriggerAnswer(w, result));
    }

    private static void WriteTriggerAnswer(Utf8JsonWriter w, TriggerResult result)
    {
        var targets = result.Targets.ToDictionary(t => t.Id, StringComparer.Ordinal);
        w.WriteStartObject();
        w.WriteBoolean("success", true);
        if (result.BatchId is not null)
        {
            w.WriteString("batch_id", result.BatchId);
        }

        w.WriteStartObject("counts");
        w.WriteNumber("queued", result.Outcomes.Count(o => o.Outcome == TriggerOutcomes.Queued));
        w.WriteNumber("coalesced", result.Outcomes.Count(o => o.Outcome == TriggerOutcomes.Coalesced));
        w.WriteNumber("restarted", result.Outcomes.Count(o => o.Outcome == TriggerOutcomes.Restarted));
        w.WriteEndObject();
        if (result.Outcomes.Count <= MaxListedRuns)
        {
            w.WriteStartArray("runs");
            foreach (var outcome in result.Outcomes)
            {
                var sync = targets[outcome.SyncId];
                w.WriteStartObject();
                w.WriteString("run_id", outcome.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("connection_id", sync.ConnectionId);
                w.WriteString("sync", sync.Name);
                w.WriteString("variant", sync.Variant);
                w.WriteString("outcome", outcome.Outcome);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
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
        await JsonResponses.WriteAsync(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("syncs");
            foreach (var status in statuses)
            {
                WriteStatus(w, status);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteStatus(Utf8JsonWriter w, SyncStatus status)
    {
        var sync = status.Sync;
        var run = status.LatestRun;
        w.WriteStartObject();
        w.WriteString("id", sync.Id);
        w.WriteString("connection_id", sync.ConnectionId);
        w.WriteString("name", sync.Name);
        w.WriteString("variant", sync.Variant);
        w.WriteString("type", run?.JobType == "INCREMENTAL" ? "INCREMENTAL" : "INITIAL");
        w.WriteString("status", status.Status);
        if (run is not null && run.State != RunState.Running && run.FinishedAt is { } finished)
        {
            w.WriteString("finishedAt", Micros.ToIsoString(finished));
        }

        if (sync.ScheduleState == ScheduleState.Started)
        {
            w.WriteString("nextScheduledSyncAt", Micros.ToIsoString(sync.NextDueAt));
        }
        else
        {
            w.WriteNull("nextScheduledSyncAt");
        }

        w.WriteString("frequency", sync.FrequencyOverride ?? sync.ConfigFrequency);
        if (run is not null)
        {
            w.WritePropertyName("latestResult");
            w.WriteRawValue(run.ResultJson ?? "{}");
            w.WriteString("latestExecutionStatus", run.State switch
            {
                RunState.Running => "RUNNING",
                RunState.Succeeded => "SUCCESS",
                _ => "STOPPED",
            });
        }

        w.WriteStartObject("recordCount");
        foreach (var (model, count) in status.RecordCount)
        {
            w.WriteNumber(model, count);
        }

        w.WriteEndObject();
        if (status.Checkpoint is null)
        {
            w.WriteNull("checkpoint");
        }
        else
        {
            w.WritePropertyName("checkpoint");
            status.Checkpoint.WriteTo(w);
        }

        if (run is { State: RunState.Running })
        {
            w.WriteStartObject("currentRun");
            w.WriteString("id", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("startedAt", run.StartedAt is { } started ? Micros.ToIsoString(started) : null);
            w.WriteString("triggerSource", run.TriggerSource);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    internal static List<CoreSyncIdentifier> ToCore(IReadOnlyList<Validation.SyncIdentifier> syncs) =>
        syncs.Select(s => new CoreSyncIdentifier(s.Name, s.Variant)).ToList();
}
