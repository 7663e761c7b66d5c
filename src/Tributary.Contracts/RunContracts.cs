using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>One run of a sync, as the runs API shows it.</summary>
/// <param name="Id">The run id (a number, sent as a string).</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="ConnectionId">The connection's id.</param>
/// <param name="Sync">The sync's name.</param>
/// <param name="Variant">The sync's variant.</param>
/// <param name="State">queued, running, succeeded, failed or cancelled.</param>
/// <param name="TriggerSource">schedule, api or retry.</param>
/// <param name="Initiator">Who or what queued it, when known.</param>
/// <param name="Reset">Whether the run starts from no checkpoint.</param>
/// <param name="EmptyCache">Whether the run empties the sync's records first.</param>
/// <param name="BatchId">The trigger batch it belongs to.</param>
/// <param name="Attempts">How many times it was claimed.</param>
/// <param name="QueuedAt">When it was queued, ISO-8601.</param>
/// <param name="StartedAt">When it started, ISO-8601.</param>
/// <param name="FinishedAt">When it finished, ISO-8601.</param>
/// <param name="Result">Per-model counts: <c>{"Model":{"added","updated","deleted"}}</c>.</param>
/// <param name="Error">Why it failed or was cancelled.</param>
public sealed record RunResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
    [property: JsonPropertyName("connection_id")] string ConnectionId,
    [property: JsonPropertyName("sync")] string Sync,
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("trigger_source")] string TriggerSource,
    [property: JsonPropertyName("initiator")] string? Initiator,
    [property: JsonPropertyName("reset")] bool Reset,
    [property: JsonPropertyName("empty_cache")] bool EmptyCache,
    [property: JsonPropertyName("batch_id")] string? BatchId,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("queued_at")] string QueuedAt,
    [property: JsonPropertyName("started_at")] string? StartedAt,
    [property: JsonPropertyName("finished_at")] string? FinishedAt,
    [property: JsonPropertyName("result")] RawJson Result,
    [property: JsonPropertyName("error")] string? Error);

/// <summary><c>GET /runs</c>: one page, newest first.</summary>
/// <param name="Runs">The runs of the page.</param>
/// <param name="NextCursor">Pass it as <c>cursor</c> for the next page; null on the last.</param>
public sealed record RunListResponse(
    [property: JsonPropertyName("runs")] IReadOnlyList<RunResponse> Runs,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);
