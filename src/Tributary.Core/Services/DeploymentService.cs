using Tributary.Core.Configuration;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>Deploys a configuration (tributary.yaml): integrations, sync configs, and the syncs of existing connections.</summary>
public sealed class DeploymentService
{
    private readonly IDeploymentStore _deployments;

    public DeploymentService(IDeploymentStore deployments)
    {
        _deployments = deployments;
    }

    /// <summary>Creates syncs for existing connections without touching runs, checkpoints or records.</summary>
    public Task<DeploySummary> DeployAsync(Tenant tenant, TributaryConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var deployments = config.Integrations.Select(i => new IntegrationDeployment(
            i.UniqueKey,
            i.Provider,
            i.DisplayName,
            i.BaseUrl,
            i.Syncs.Select(s => new SyncConfigDeployment(
                s.Name,
                s.Function,
                s.Models,
                s.Frequency,
                (long)s.Interval.TotalMilliseconds,
                s.AutoStart,
                s.SyncType == SyncType.Full ? "full" : "incremental",
                s.TrackDeletes)).ToList())).ToList();
        return _deployments.ApplyConfigAsync(tenant.EnvironmentId, deployments, cancellationToken);
    }
}
