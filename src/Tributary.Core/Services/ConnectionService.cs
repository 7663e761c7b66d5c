using System.Text.Json.Nodes;
using Tributary.Core.Credentials;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Errors;
using Tributary.Core.Ports;
using Tributary.Core.Security;

namespace Tributary.Core.Services;

/// <summary>Connections: import with credentials, read, list, delete, and set or merge metadata.</summary>
public sealed class ConnectionService
{
    private readonly IIntegrationStore _integrations;
    private readonly IConnectionStore _connections;
    private readonly CredentialProtector _protector;
    private readonly IConnectionCredentialStore _credentialStore;
    private readonly ConnectionCredentials _credentials;
    private readonly RunWakeups _wakeups;
    private readonly RunCancellations _cancellations;
    private readonly TimeProvider _timeProvider;
    private readonly ConnectionChanges _changes;
    private readonly Providers.ProviderCatalogue _providers;

    public ConnectionService(
        IIntegrationStore integrations,
        IConnectionStore connections,
        CredentialProtector protector,
        IConnectionCredentialStore credentialStore,
        ConnectionCredentials credentials,
        RunWakeups wakeups,
        RunCancellations cancellations,
        TimeProvider timeProvider,
        ConnectionChanges changes,
        Providers.ProviderCatalogue providers)
    {
        _changes = changes;
        _providers = providers;
        _integrations = integrations;
        _connections = connections;
        _protector = protector;
        _credentialStore = credentialStore;
        _credentials = credentials;
        _wakeups = wakeups;
        _cancellations = cancellations;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Creates the connection with one sync per enabled sync config (auto-starting ones are due at once, so every
    /// process's workers are woken). The credentials are stored encrypted; <c>type</c> names their kind. Auth
    /// webhooks (<c>creation</c>) in <see cref="NewConnectionRequest.Webhooks"/> are written in its transaction.
    /// </summary>
    public async Task<Connection> CreateAsync(Tenant tenant, NewConnectionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (providerConfigKey, connectionId, credentials, metadataJson) = request;
        var connectionConfig = request.ConnectionConfig;
        // Nango's import answers an unknown integration 404 not_found (a connect flow resolved it before it got here).
        var integration = await _integrations.GetAsync(tenant.EnvironmentId, providerConfigKey, cancellationToken)
            ?? throw new NotFoundException("not_found", "Integration does not exist");
        var type = (string)credentials["type"]!; // validated by the caller: every credentials object has a type
        // A template whose mode no import can carry (OAUTH2_CC: its tokens are fetched, never given) is not checked.
        if (request.MustMatchTheProvidersAuthMode && _providers.Find(integration.Provider) is { AuthMode: not Providers.AuthMode.OAuth2ClientCredentials } provider
            && Providers.AuthModes.ToName(provider.AuthMode) is var authMode && authMode != type)
        {
            // Nango's import: credentials of another kind than the provider's would never authenticate a call.
            throw new InvalidInputException("invalid_body", $"Provider {authMode} does not support {type} auth");
        }

        var created = await _connections.CreateAsync(
            new NewConnection(
                tenant.EnvironmentId,
                integration.Id,
                connectionId,
                type,
                _protector.Protect(credentials.ToJsonString()),
                metadataJson,
                Micros.Now(_timeProvider))
            {
                WebhookUrlOverride = request.WebhookUrlOverride,
                EndUserJson = request.Profile?.EndUser?.ToJsonString(),
                TagsJson = request.Profile?.Tags.ToJsonString(),
                Webhooks = request.Webhooks,
            },
            cancellationToken)
            ?? throw new ConflictException("duplicate_connection", $"A connection '{connectionId}' already exists for integration '{providerConfigKey}'.");
        // The expiry column is what the background refresh looks at: only credentials it can refresh carry one.
        var refreshable = (string?)credentials["type"] == "OAUTH2_CC" || credentials["refresh_token"] is not null;
        var expiresAt = refreshable ? TokenExpiry.Read(credentials["expires_at"]) : null;
        if (expiresAt is not null || connectionConfig is { Count: > 0 })
        {
            // Before the wake-up: a run must see the expiry (the background refresh) and the config (the base URL).
            await _credentialStore.SetConfigAndExpiryAsync(created.Id, (connectionConfig ?? []).ToJsonString(), expiresAt, cancellationToken);
        }

        await _wakeups.WakeAsync(cancellationToken);
        return created;
    }

    /// <summary>
    /// The connection with its credentials, refreshed first when they expire within the provider's buffer, or
    /// always with <paramref name="forceRefresh"/> (Nango's <c>force_refresh</c>).
    /// </summary>
    /// <remarks>
    /// A failed forced refresh is the caller's error (<see cref="ForcedRefreshFailedException"/>: 400 <c>invalid_credentials</c>). A
    /// failed lazy refresh is not: the stored credentials come back with the failure in <see cref="ConnectionView.Refresh"/>
    /// (the answer's <c>errors</c>), where Nango would fail the read.
    /// </remarks>
    public async Task<ConnectionView> GetAsync(Tenant tenant, string connectionId, string providerConfigKey, bool forceRefresh, CancellationToken cancellationToken)
    {
        var connection = await FindOneAsync(tenant, connectionId, providerConfigKey, cancellationToken);
        FreshCredentials fresh;
        try
        {
            fresh = await _credentials.GetAsync(connection.Id, forceRefresh ? CredentialDemand.Force : CredentialDemand.Fresh, cancellationToken);
        }
        catch (ConnectionRefreshException ex) when (forceRefresh)
        {
            throw new ForcedRefreshFailedException(ex.Message, await StoredViewAsync(connection, cancellationToken));
        }
        catch (ConnectionRefreshException)
        {
            return await StoredViewAsync(connection, cancellationToken);
        }

        return new ConnectionView(connection with { UpdatedAt = Math.Max(connection.UpdatedAt, fresh.Stored.Refresh.LastSuccess ?? 0) }, fresh.Credentials, fresh.ConnectionConfig, fresh.Stored.Refresh);
    }

    /// <summary>The connection as stored, after a refresh that failed (its bookkeeping says so).</summary>
    private async Task<ConnectionView> StoredViewAsync(Connection connection, CancellationToken cancellationToken)
    {
        var stored = await _credentialStore.GetAsync(connection.Id, cancellationToken) ?? throw new NotFoundException("not_found", "Failed to find connection");
        var credentials = JsonNode.Parse(_protector.Unprotect(stored.EncryptedCredentials))!.AsObject();
        return new ConnectionView(connection, credentials, JsonNode.Parse(stored.ConnectionConfigJson) as JsonObject ?? [], stored.Refresh);
    }

    public Task<IReadOnlyList<Connection>> ListAsync(Tenant tenant, string? connectionId, CancellationToken cancellationToken) =>
        _connections.ListAsync(tenant.EnvironmentId, connectionId, cancellationToken);

    /// <summary>One page of the environment's connections, in creation order.</summary>
    public Task<ConnectionPage> ListPageAsync(Tenant tenant, ConnectionListFilter filter, CancellationToken cancellationToken) =>
        _connections.ListPageAsync(tenant.EnvironmentId, filter, cancellationToken);

    /// <summary>Deletes the connection with everything it owns and stops its runs executing in this process.</summary>
    public async Task DeleteAsync(Tenant tenant, string connectionId, string providerConfigKey, CancellationToken cancellationToken)
    {
        // Nango's delete: the bare code, 400, and no look at the integration first.
        var connection = await _connections.GetAsync(tenant.EnvironmentId, connectionId, providerConfigKey, cancellationToken)
            ?? throw NangoErrors.UnknownConnectionCode();
        var stopped = await _connections.DeleteAsync(connection.Id, Micros.Now(_timeProvider), cancellationToken) ?? [];
        _changes.Changed();
        _cancellations.Cancel(stopped);
    }

    /// <summary>
    /// Nango's <c>PATCH /connections/{id}</c>: a new end user and/or new tags (replacing the old ones) for the
    /// connection; the integration and the connection must exist (<see cref="FindOneAsync"/>).
    /// </summary>
    public async Task PatchAsync(Tenant tenant, string connectionId, string providerConfigKey, JsonObject? endUser, JsonObject? tags, CancellationToken cancellationToken)
    {
        var connection = await FindOneAsync(tenant, connectionId, providerConfigKey, cancellationToken);
        var newEndUser = endUser is null ? null : Connect.ConnectionProfile.PatchedEndUser(endUser).ToJsonString();
        var newTags = tags is null ? null : Connect.ConnectionProfile.LowerCased(tags).ToJsonString();
        if (newEndUser is not null || newTags is not null)
        {
            await _connections.UpdateProfileAsync(connection.Id, newEndUser, newTags, cancellationToken);
        }
    }

    /// <summary>
    /// Sets (<paramref name="merge"/> false: replaces) or merges the metadata of every named connection; all must
    /// exist before any is written.
    /// </summary>
    public Task SetMetadataAsync(Tenant tenant, string providerConfigKey, IReadOnlyList<string> connectionIds, JsonObject patch, bool merge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connectionIds);
        return WriteMetadataAsync(
            tenant, providerConfigKey, connectionIds, patch, merge, id => NangoErrors.UnknownMetadataConnection(id, providerConfigKey, connectionIds.Count > 1), cancellationToken);
    }

    /// <summary>
    /// Nango's deprecated per-connection metadata paths (<c>/connection/{id}/metadata</c>): one connection, and when it
    /// is missing the 404 of Nango's connection lookup rather than the metadata endpoints' own.
    /// </summary>
    public Task SetMetadataOfConnectionAsync(Tenant tenant, string providerConfigKey, string connectionId, JsonObject metadata, bool merge, CancellationToken cancellationToken) =>
        WriteMetadataAsync(tenant, providerConfigKey, [connectionId], metadata, merge, id => NangoErrors.UnknownConnection(id, providerConfigKey), cancellationToken);

    private async Task WriteMetadataAsync(
        Tenant tenant, string providerConfigKey, IReadOnlyList<string> connectionIds, JsonObject patch, bool merge, Func<string, Exception> missing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        // One read and one write for the whole array, however long (the parser caps it).
        var found = (await _connections.GetManyAsync(tenant.EnvironmentId, connectionIds, providerConfigKey, cancellationToken))
            .ToDictionary(c => c.ConnectionId, StringComparer.Ordinal);
        var writes = new List<MetadataWrite>(connectionIds.Count);
        foreach (var id in connectionIds.Distinct(StringComparer.Ordinal))
        {
            var connection = found.GetValueOrDefault(id) ?? throw missing(id);
            var next = merge ? JsonNode.Parse(connection.MetadataJson) as JsonObject ?? [] : [];
            foreach (var (key, value) in patch)
            {
                next[key] = value?.DeepClone();
            }

            writes.Add(new MetadataWrite(connection.Id, next.ToJsonString()));
        }

        await _connections.UpdateMetadataManyAsync(writes, cancellationToken);
    }

    /// <summary>
    /// The connection <c>GET</c> and <c>PATCH /connections/{id}</c> name, as Nango's controllers look it up: the
    /// integration first (400 <c>unknown_provider_config</c> "Provider does not exists"), then the connection (404
    /// <c>not_found</c> "Failed to find connection").
    /// </summary>
    /// <remarks>
    /// The connection is read first and the integration only when it is missing: the lookup by integration key finds
    /// no connection of an unknown integration, so the answers are Nango's, and a found one costs one read, not two.
    /// </remarks>
    private async Task<Connection> FindOneAsync(Tenant tenant, string connectionId, string providerConfigKey, CancellationToken cancellationToken)
    {
        if (await _connections.GetAsync(tenant.EnvironmentId, connectionId, providerConfigKey, cancellationToken) is { } connection)
        {
            return connection;
        }

        throw await _integrations.GetAsync(tenant.EnvironmentId, providerConfigKey, cancellationToken) is null
            ? new InvalidInputException("unknown_provider_config", "Provider does not exists")
            : new NotFoundException("not_found", "Failed to find connection");
    }
}

/// <summary>A connection as <c>GET /connections/{id}</c> shows it: credentials, config and refresh state.</summary>
public sealed record ConnectionView(Connection Connection, JsonObject Credentials, JsonObject ConnectionConfig, RefreshStatus Refresh);
