namespace Tributary.Core.Ports;

/// <summary>Applies a deployed configuration (tributary.yaml): integrations, sync configs, and syncs of existing connections.</summary>
public interface IDeploymentStore
{
    /// <summary>Applies a deployed configuration; returns what changed.</summary>
    Task<DeploySummary> ApplyConfigAsync(long environmentId, IReadOnlyList<IntegrationDeployment> integrations, CancellationToken cancellationToken);
}

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
