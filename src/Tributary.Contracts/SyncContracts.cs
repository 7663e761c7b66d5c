using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>The answer to <c>POST /sync/trigger</c>: Nango's <c>success</c>, plus what happened to each target.</summary>
/// <param name="Success">Always true.</param>
/// <param name="BatchId">Set for fan-outs (no connection given): list the batch's runs with <c>GET /runs?batch_id=</c>.</param>
/// <param name="Counts">How many targets were queued, coalesced or restarted.</param>
/// <param name="Runs">Each target's run, when there are at most 100 targets.</param>
public sealed record TriggerResponse(
    [property: JsonPropertyName("success"), JsonRequired] bool Success,
    [property: JsonPropertyName("batch_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BatchId,
    [property: JsonPropertyName("counts")] TriggerCounts Counts,
    [property: JsonPropertyName("runs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TriggeredRun>? Runs);

/// <summary>Outcome counts of a trigger.</summary>
/// <param name="Queued">A new run was queued.</param>
/// <param name="Coalesced">A queued run already existed and took the trigger.</param>
/// <param name="Restarted">A running run was stopped for a reset.</param>
public sealed record TriggerCounts(
    [property: JsonPropertyName("queued")] int Queued,
    [property: JsonPropertyName("coalesced")] int Coalesced,
    [property: JsonPropertyName("restarted")] int Restarted);

/// <summary>What a trigger did to one sync.</summary>
/// <param name="RunId">The run that will carry it out.</param>
/// <param name="ConnectionId">The connection's id.</param>
/// <param name="Sync">The sync's name.</param>
/// <param name="Variant">The sync's variant.</param>
/// <param name="Outcome">queued, coalesced or restarted.</param>
public sealed record TriggeredRun(
    [property: JsonPropertyName("run_id")] string RunId,
    [property: JsonPropertyName("connection_id")] string ConnectionId,
    [property: JsonPropertyName("sync")] string Sync,
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("outcome")] string Outcome);

/// <summary><c>GET /sync/status</c>: <c>{"syncs":[…]}</c>.</summary>
/// <param name="Syncs">The status of each matching sync.</param>
public sealed record SyncStatusListResponse(
    [property: JsonPropertyName("syncs")] IReadOnlyList<SyncStatusResponse> Syncs);

/// <summary>One sync's status in Nango's shape (camelCase from <c>finishedAt</c> on, as Nango sends it).</summary>
/// <param name="Id">The sync's id.</param>
/// <param name="ConnectionId">The connection's id.</param>
/// <param name="Name">The sync's name.</param>
/// <param name="Variant">The sync's variant.</param>
/// <param name="Type">INITIAL or INCREMENTAL (deprecated by Nango).</param>
/// <param name="Status">RUNNING, PAUSED, SUCCESS, ERROR or STOPPED.</param>
/// <param name="FinishedAt">When the latest finished run ended; absent while running or before any run.</param>
/// <param name="NextScheduledSyncAt">The next scheduled run; null when paused.</param>
/// <param name="Frequency">The connection's override, else the config's frequency.</param>
/// <param name="LatestResult">The latest run's per-model counts; absent before any run.</param>
/// <param name="LatestExecutionStatus">RUNNING, SUCCESS or STOPPED; absent before any run.</param>
/// <param name="RecordCount">Live records per model of this variant.</param>
/// <param name="Checkpoint">The sync's checkpoint, or null.</param>
/// <param name="CurrentRun">The run in progress, when there is one (Tributary).</param>
public sealed record SyncStatusResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("connection_id")] string ConnectionId,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("finishedAt"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? FinishedAt,
    [property: JsonPropertyName("nextScheduledSyncAt")] string? NextScheduledSyncAt,
    [property: JsonPropertyName("frequency")] string? Frequency,
    [property: JsonPropertyName("latestResult"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RawJson? LatestResult,
    [property: JsonPropertyName("latestExecutionStatus"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LatestExecutionStatus,
    [property: JsonPropertyName("recordCount")] IReadOnlyDictionary<string, long> RecordCount,
    [property: JsonPropertyName("checkpoint")] JsonObject? Checkpoint,
    [property: JsonPropertyName("currentRun"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] CurrentRunResponse? CurrentRun);

/// <summary>The run in progress of a sync.</summary>
/// <param name="Id">The run id.</param>
/// <param name="StartedAt">When it started, ISO-8601.</param>
/// <param name="TriggerSource">schedule, api or retry.</param>
public sealed record CurrentRunResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("startedAt")] string? StartedAt,
    [property: JsonPropertyName("triggerSource")] string TriggerSource);

/// <summary>The answer to <c>POST /sync/{name}/variant/{variant}</c>.</summary>
/// <param name="Id">The new sync's id.</param>
/// <param name="Name">The sync's name.</param>
/// <param name="Variant">The new variant.</param>
public sealed record VariantResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("variant")] string Variant);

/// <summary>The answer to <c>PUT /sync/update-connection-frequency</c>.</summary>
/// <param name="Frequency">The interval applied: normalised ("every hour" → "1h"), or the config's frequency as written.</param>
public sealed record FrequencyResponse(
    [property: JsonPropertyName("frequency")] string Frequency);

/// <summary>The answer to <c>PATCH /records/prune</c>.</summary>
/// <param name="Count">How many records were pruned.</param>
/// <param name="HasMore">Whether another call may prune more.</param>
public sealed record PruneResponse(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("has_more")] bool HasMore);
