using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Server.Endpoints.Responses;

/// <summary>Core's trigger results and sync statuses in Nango's shapes (plus Tributary's run details).</summary>
internal static class SyncResponses
{
    /// <summary>Up to this many targets the trigger answer lists every run; above it, counts and the batch id.</summary>
    private const int MaxListedRuns = 100;

    public static TriggerResponse Trigger(TriggerResult result)
    {
        var targets = result.Targets.ToDictionary(t => t.Id, StringComparer.Ordinal);
        var counts = new TriggerCounts(
            result.Outcomes.Count(o => o.Outcome == TriggerOutcomes.Queued),
            result.Outcomes.Count(o => o.Outcome == TriggerOutcomes.Coalesced),
            result.Outcomes.Count(o => o.Outcome == TriggerOutcomes.Restarted));
        var runs = result.Outcomes.Count > MaxListedRuns
            ? null
            : result.Outcomes.Select(outcome =>
            {
                var sync = targets[outcome.SyncId];
                return new TriggeredRun(outcome.RunId.ToString(CultureInfo.InvariantCulture), sync.ConnectionId, sync.Name, sync.Variant, outcome.Outcome);
            }).ToList();
        return new TriggerResponse(true, result.BatchId, counts, runs);
    }

    public static SyncStatusListResponse Statuses(IEnumerable<SyncStatus> statuses) => new(statuses.Select(Status).ToList());

    /// <summary>
    /// Nango's deprecated <c>type</c>: INCREMENTAL when the latest run's job is (its config incremental and a last
    /// sync date set when it started), else INITIAL, also with no run. A finished run's type was stored by its
    /// completion; a running one's is what it started with, which the sync still holds (only a success moves it).
    /// </summary>
    private static string TypeOf(SyncRow sync, RunRow? run)
    {
        var jobType = run?.State == RunState.Running && sync.ConfigSyncType is { } configType
            ? RunJobTypes.Of(configType, sync.LastSyncDate)
            : run?.JobType;
        return jobType == RunJobTypes.Incremental ? RunJobTypes.Incremental : "INITIAL";
    }

    private static SyncStatusResponse Status(SyncStatus status)
    {
        var sync = status.Sync;
        var run = status.LatestRun;
        return new SyncStatusResponse(
            sync.Id,
            sync.ConnectionId,
            sync.Name,
            sync.Variant,
            TypeOf(sync, run),
            status.Status,
            run is not null && run.State != RunState.Running ? RunResponses.IsoOrNull(run.FinishedAt) : null,
            sync.ScheduleState == ScheduleState.Started ? Micros.ToIsoString(sync.NextDueAt) : null,
            sync.FrequencyOverride ?? sync.ConfigFrequency,
            run is null ? null : run.ResultJson is { } result ? new RawJson(result) : RawJson.EmptyObject,
            run?.State switch
            {
                null => null,
                RunState.Running => "RUNNING",
                RunState.Succeeded => "SUCCESS",
                _ => "STOPPED",
            },
            status.RecordCount,
            status.Checkpoint,
            run is { State: RunState.Running }
                ? new CurrentRunResponse(run.Id.ToString(CultureInfo.InvariantCulture), RunResponses.IsoOrNull(run.StartedAt), run.TriggerSource)
                : null);
    }
}
