using Tributary.Core.Domain;

namespace Tributary.Core.Ports;

/// <summary>Environments, API keys, integrations, sync configs, connections and their syncs.</summary>
public interface IControlStore
{
    Task<EnvironmentInfo> EnsureEnvironmentAsync(string name, CancellationToken cancellationToken);

    Task<ApiKeyInfo?> FindApiKeyAsync(string keyHash, CancellationToken cancellationToken);

    Task<bool> HasApiKeysAsync(long environmentId, CancellationToken cancellationToken);

    Task<long> CreateApiKeyAsync(long environmentId, string keyHash, string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken);

    /// <summary>Applies a deployed configuration; returns what changed.</summary>
    Task<DeploySummary> ApplyConfigAsync(long environmentId, IReadOnlyList<IntegrationDeployment> integrations, CancellationToken cancellationToken);

    Task<Integration?> GetIntegrationAsync(long environmentId, string uniqueKey, CancellationToken cancellationToken);

    Task<IReadOnlyList<Integration>> ListIntegrationsAsync(long environmentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SyncConfig>> GetSyncConfigsAsync(long integrationId, CancellationToken cancellationToken);

    /// <summary>Creates a connection and one sync per enabled sync config, in one transaction.</summary>
    /// <returns>The connection, or null when one with that id already exists for the integration.</returns>
    Task<Connection?> CreateConnectionAsync(NewConnection connection, CancellationToken cancellationToken);

    Task<Connection?> GetConnectionAsync(long environmentId, string connectionId, string? providerConfigKey, CancellationToken cancellationToken);

    Task<IReadOnlyList<Connection>> ListConnectionsAsync(long environmentId, string? connectionId, CancellationToken cancellationToken);

    /// <summary>Deletes a connection with everything it owns: syncs, runs, checkpoints, records.</summary>
    Task<bool> DeleteConnectionAsync(long connectionDbId, CancellationToken cancellationToken);

    Task UpdateConnectionMetadataAsync(long connectionDbId, string metadataJson, CancellationToken cancellationToken);

    Task<IReadOnlyList<SyncRow>> GetSyncsAsync(long connectionDbId, CancellationToken cancellationToken);

    /// <summary>Every sync of the integration across its connections; optionally only the given identifiers.</summary>
    Task<IReadOnlyList<SyncRow>> GetSyncsOfIntegrationAsync(long integrationId, IReadOnlyList<SyncIdentifier>? only, CancellationToken cancellationToken);

    Task<Connection?> GetConnectionByIdAsync(long connectionDbId, CancellationToken cancellationToken);

    Task<Integration?> GetIntegrationByIdAsync(long integrationId, CancellationToken cancellationToken);

    /// <summary>A sync with its connection, integration and sync config, in one round trip; null when any is gone.</summary>
    Task<SyncTarget?> GetSyncTargetAsync(string syncId, CancellationToken cancellationToken);
}

/// <summary>What a run syncs: the sync and everything it belongs to.</summary>
public sealed record SyncTarget(SyncRow Sync, Connection Connection, Integration Integration, SyncConfig Config);

public sealed record NewConnection(
    long EnvironmentId,
    long IntegrationId,
    string ConnectionId,
    string CredentialsType,
    byte[] EncryptedCredentials,
    string MetadataJson,
    long Now);

public sealed record IntegrationDeployment(
    string UniqueKey,
    string Provider,
    string? DisplayName,
    string? BaseUrl,
    IReadOnlyList<SyncConfigDeployment> Syncs);

public sealed record SyncConfigDeployment(
    string Name,
    string Function,
    IReadOnlyList<string> Models,
    string Frequency,
    long FrequencyMs,
    bool AutoStart,
    string SyncType,
    bool TrackDeletes);

public sealed record DeploySummary(int IntegrationsUpserted, int SyncConfigsUpserted, int SyncConfigsDisabled, int SyncsCreated);
