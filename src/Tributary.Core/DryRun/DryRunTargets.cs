using System.Text.Json.Nodes;
using Tributary.Core.Credentials;
using Tributary.Core.Errors;
using Tributary.Core.Ports;
using Tributary.Sdk.Paging;

namespace Tributary.Core.DryRun;

/// <summary>
/// Resolves what <c>dryrun</c> runs — the connection, its sync and config, fresh credentials, the checkpoint — with reads
/// only, and builds the provider handler chain a run uses (auth, one refresh after a 401, retries).
/// </summary>
/// <remarks>
/// The one write a dryrun may cause is the credentials' own: a token that needs refreshing is refreshed and the rotated
/// token stored exactly as before a run (<see cref="ConnectionCredentials"/>), because a provider that rotates refresh
/// tokens would otherwise leave the stored connection broken. A failed refresh is recorded on the connection, as a run's.
/// </remarks>
public sealed class DryRunTargets
{
    private readonly IApiKeyStore _environments;
    private readonly IIntegrationStore _integrations;
    private readonly IConnectionStore _connections;
    private readonly ISyncStore _syncs;
    private readonly ICheckpointStore _checkpoints;
    private readonly ConnectionCredentials _credentials;
    private readonly Engine.ProviderHttpClientFactory _httpClients;

    public DryRunTargets(
        IApiKeyStore environments,
        IIntegrationStore integrations,
        IConnectionStore connections,
        ISyncStore syncs,
        ICheckpointStore checkpoints,
        ConnectionCredentials credentials,
        Engine.ProviderHttpClientFactory httpClients)
    {
        _environments = environments;
        _integrations = integrations;
        _connections = connections;
        _syncs = syncs;
        _checkpoints = checkpoints;
        _credentials = credentials;
        _httpClients = httpClients;
    }

    /// <summary>The request's sync on its connection, with the checkpoint and metadata the request gives or the stored ones.</summary>
    /// <exception cref="TributaryException">The environment, integration, connection or sync does not exist (Nango's codes).</exception>
    /// <exception cref="ConnectionRefreshException">The credentials needed a refresh and it failed.</exception>
    public async Task<DryRunTarget> ResolveAsync(DryRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var environment = await _environments.FindEnvironmentAsync(request.Environment, cancellationToken)
            ?? throw new InvalidInputException("unknown_environment", $"The database has no environment '{request.Environment}': start `tributary serve` or run `tributary deploy` on it first.");
        var integration = await _integrations.GetAsync(environment.Id, request.ProviderConfigKey, cancellationToken)
            ?? throw NangoErrors.UnknownProviderConfig();
        var connection = await _connections.GetAsync(environment.Id, request.ConnectionId, integration.UniqueKey, cancellationToken)
            ?? throw NangoErrors.UnknownConnection(request.ConnectionId, request.ProviderConfigKey);
        var syncs = await _syncs.GetSyncsAsync(connection.Id, cancellationToken);
        var sync = syncs.FirstOrDefault(s => s.Name == request.SyncName && s.Variant == request.Variant)
            ?? throw new InvalidInputException("unknown_sync", $"Connection '{request.ConnectionId}' has no sync '{request.SyncName}' (variant '{request.Variant}').");
        var target = await _syncs.GetSyncTargetAsync(sync.Id, cancellationToken)
            ?? throw new InvalidInputException("unknown_sync", $"Sync '{request.SyncName}' is gone.");
        if (!target.Config.Enabled)
        {
            throw new InvalidInputException("unknown_sync", $"Sync '{request.SyncName}' is no longer deployed (its sync config is disabled).");
        }

        var checkpoint = request.StartWithoutCheckpoint
            ? null
            : request.Checkpoint ?? (await _checkpoints.GetAsync(connection.Id, $"sync:{sync.Name}:{sync.Variant}", cancellationToken))?.Value;
        var metadata = request.Metadata ?? JsonNode.Parse(connection.MetadataJson) as JsonObject ?? [];
        var credentials = await _credentials.GetAsync(connection.Id, CredentialDemand.Fresh, cancellationToken);
        return new DryRunTarget(
            connection,
            target.Sync,
            target.Config,
            credentials,
            checkpoint,
            metadata,
            CredentialApplier.BaseUrl(credentials, integration.BaseUrl),
            Pagination(credentials));
    }

    /// <summary>The run's provider handler chain for <paramref name="target"/>'s credentials; the caller disposes it.</summary>
    public HttpMessageHandler CreateHandler(DryRunTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return _httpClients.CreateHandler(target.Credentials);
    }

    /// <remarks>
    /// A run reads the template's pagination only when the function asks, so a value the SDK cannot follow fails that
    /// function; here it is read up front, and such a value means "none" (the function falls back to its own options).
    /// </remarks>
    private static PaginationOptions? Pagination(FreshCredentials credentials)
    {
        if (credentials.Provider?.Proxy.Paginate is not { } paginate)
        {
            return null;
        }

        try
        {
            return PaginationOptions.FromTemplate(paginate.Type, paginate.Settings);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}

/// <summary>What <c>dryrun</c> was asked to run.</summary>
public sealed record DryRunRequest(string Environment, string ProviderConfigKey, string SyncName, string Variant, string ConnectionId)
{
    /// <summary>The checkpoint to start from instead of the stored one.</summary>
    public JsonObject? Checkpoint { get; init; }

    /// <summary>Start with no checkpoint, whatever is stored.</summary>
    public bool StartWithoutCheckpoint { get; init; }

    /// <summary>The metadata the function sees instead of the connection's.</summary>
    public JsonObject? Metadata { get; init; }
}
