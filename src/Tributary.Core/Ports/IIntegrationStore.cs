using Tributary.Core.Domain;

namespace Tributary.Core.Ports;

/// <summary>Integrations and their sync configs: reads and the HTTP API's writes.</summary>
public interface IIntegrationStore
{
    Task<Integration?> GetAsync(long environmentId, string uniqueKey, CancellationToken cancellationToken);

    Task<IReadOnlyList<Integration>> ListAsync(long environmentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<SyncConfig>> GetSyncConfigsAsync(long integrationId, CancellationToken cancellationToken);

    /// <summary>The deployed (enabled) sync configs of every integration of the environment, by name.</summary>
    Task<IReadOnlyList<SyncConfig>> ListDeployedSyncConfigsAsync(long environmentId, CancellationToken cancellationToken);

    /// <returns>The new integration, or null when the key is taken in the environment.</returns>
    Task<Integration?> CreateAsync(long environmentId, string uniqueKey, string provider, string? displayName, bool forwardWebhooks, long now, CancellationToken cancellationToken);

    /// <summary>Renames and/or relabels; null leaves a field as it is.</summary>
    /// <returns>The updated integration, or null when the new key is taken by another integration.</returns>
    Task<Integration?> UpdateAsync(long integrationId, string? uniqueKey, string? displayName, bool? forwardWebhooks, long now, CancellationToken cancellationToken);

    Task<long> CountConnectionsAsync(long integrationId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the integration with everything under it (sync configs, connections, syncs, runs, checkpoints,
    /// records) in one transaction; queued and running runs are cancelled first so their workers see a lost lease.
    /// </summary>
    /// <returns>The runs it moved from running to cancelled, to stop in this process.</returns>
    Task<IReadOnlyList<long>> DeleteAsync(long integrationId, long now, CancellationToken cancellationToken);
}
