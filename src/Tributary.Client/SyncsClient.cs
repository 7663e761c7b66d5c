using System.Text.Json.Nodes;
using Tributary.Contracts;

namespace Tributary.Client;

/// <summary>The sync endpoints: trigger (and reset), pause, start, status, frequency and variants.</summary>
public sealed class SyncsClient
{
    private readonly ApiTransport _api;

    internal SyncsClient(ApiTransport api)
    {
        _api = api;
    }

    /// <summary>POST /sync/trigger: queues runs and says, per sync, which run carries the trigger.</summary>
    /// <param name="request">The integration, an optional connection, the syncs (empty: all) and the reset options.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The outcome counts and each target's run id (queued, coalesced or restarted).</returns>
    public Task<TriggerResponse> TriggerAsync(TriggerRequest request, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Post, "sync/trigger", ContractsJsonContext.Default.TriggerResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.TriggerRequest));

    /// <summary>Triggers <paramref name="syncs"/> with a reset: the runs start from no checkpoint.</summary>
    /// <param name="providerConfigKey">The integration.</param>
    /// <param name="connectionId">One connection, or null for every connection of the integration.</param>
    /// <param name="syncs">Sync names (<c>name</c> or <c>name::variant</c>); empty means every sync.</param>
    /// <param name="emptyCache">Also delete the syncs' cached records at the start of the run.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The trigger's outcome.</returns>
    public Task<TriggerResponse> ResetAsync(string providerConfigKey, string? connectionId, IEnumerable<string> syncs, bool emptyCache, CancellationToken cancellationToken) =>
        TriggerAsync(new TriggerRequest(providerConfigKey, connectionId, Names(syncs), new TriggerOptions(true, emptyCache)), cancellationToken);

    /// <summary>POST /sync/pause: stops the schedule of the syncs.</summary>
    /// <param name="request">The syncs, integration and optional connection.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has paused them.</returns>
    public Task PauseAsync(SyncScheduleRequest request, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Post, "sync/pause", ContractsJsonContext.Default.SuccessResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.SyncScheduleRequest));

    /// <summary>POST /sync/start: resumes the schedule of the syncs.</summary>
    /// <param name="request">The syncs, integration and optional connection.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the server has started them.</returns>
    public Task StartAsync(SyncScheduleRequest request, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Post, "sync/start", ContractsJsonContext.Default.SuccessResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.SyncScheduleRequest));

    /// <summary>GET /sync/status.</summary>
    /// <param name="query">The syncs ("*" for all), the integration and an optional connection.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Each matching sync's status, schedule, counts and checkpoint.</returns>
    public Task<SyncStatusListResponse> GetStatusAsync(StatusQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var path = new Query("sync/status").Add("syncs", query.Syncs).Add("provider_config_key", query.ProviderConfigKey).Add("connection_id", query.ConnectionId);
        return _api.SendAsync(HttpMethod.Get, path.ToString(), ContractsJsonContext.Default.SyncStatusListResponse, cancellationToken);
    }

    /// <summary>PUT /sync/update-connection-frequency.</summary>
    /// <param name="request">The sync, the connection and the new frequency (null: back to the config's).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The frequency now in force.</returns>
    public Task<FrequencyResponse> UpdateFrequencyAsync(FrequencyRequest request, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Put, "sync/update-connection-frequency", ContractsJsonContext.Default.FrequencyResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.FrequencyRequest));

    /// <summary>POST /sync/{name}/variant/{variant}: a new variant of a sync on a connection.</summary>
    /// <param name="name">The sync's name.</param>
    /// <param name="variant">The new variant.</param>
    /// <param name="connection">The integration and connection.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new sync's id, name and variant.</returns>
    public Task<VariantResponse> CreateVariantAsync(string name, string variant, ConnectionReference connection, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Post, VariantPath(name, variant), ContractsJsonContext.Default.VariantResponse, cancellationToken, ApiTransport.Json(connection, ContractsJsonContext.Default.ConnectionReference));

    /// <summary>DELETE /sync/{name}/variant/{variant}: the variant's sync, runs and checkpoints.</summary>
    /// <param name="name">The sync's name.</param>
    /// <param name="variant">The variant to delete.</param>
    /// <param name="connection">The integration and connection.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the variant is gone.</returns>
    public Task DeleteVariantAsync(string name, string variant, ConnectionReference connection, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Delete, VariantPath(name, variant), ContractsJsonContext.Default.SuccessResponse, cancellationToken, ApiTransport.Json(connection, ContractsJsonContext.Default.ConnectionReference));

    /// <summary>Sync names as the request bodies take them.</summary>
    /// <param name="syncs">Names, each <c>name</c> or <c>name::variant</c>.</param>
    /// <returns>The names as JSON strings.</returns>
    public static IReadOnlyList<JsonNode> Names(IEnumerable<string> syncs) => [.. (syncs ?? []).Select(s => (JsonNode)JsonValue.Create(s))];

    private static string VariantPath(string name, string variant) => $"sync/{Query.Segment(name)}/variant/{Query.Segment(variant)}";
}
