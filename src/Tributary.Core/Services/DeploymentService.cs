using Tributary.Core.Configuration;
using Tributary.Core.Credentials;
using Tributary.Core.Providers;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>Deploys a configuration (tributary.yaml): integrations, sync configs, and the syncs of existing connections.</summary>
public sealed class DeploymentService
{
    private readonly IDeploymentStore _deployments;
    private readonly IIntegrationStore _integrations;
    private readonly IntegrationService _integrationService;
    private readonly ProviderCatalogue _catalogue;
    private readonly WebhookService _webhooks;

    public DeploymentService(
        IDeploymentStore deployments, IIntegrationStore integrations, IntegrationService integrationService, ProviderCatalogue catalogue, WebhookService webhooks)
    {
        _deployments = deployments;
        _integrations = integrations;
        _integrationService = integrationService;
        _catalogue = catalogue;
        _webhooks = webhooks;
    }

    /// <summary>
    /// Creates syncs for existing connections without touching runs, checkpoints or records; makes the file's
    /// providers known to this process and stores the OAuth apps it names (an integration that names none keeps
    /// the one set through the API), and applies its <c>webhooks:</c> settings.
    /// </summary>
    /// <exception cref="ConfigException">A secret the file points at is missing: nothing was deployed.</exception>
    public async Task<DeploySummary> DeployAsync(Tenant tenant, TributaryConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        // Every secret first, so a missing one changes nothing.
        var clients = config.Integrations
            .Where(i => i.OAuthClient is not null)
            .Select(i => (i.UniqueKey, Client: new OAuthClientCredentials(
                i.OAuthClient!.ClientId,
                i.OAuthClient.Secret is { } secret ? SecretResolver.Resolve(secret, config.SourceName) : null,
                i.OAuthClient.Scopes)))
            .ToList();
        _catalogue.Use(config.Providers);
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
        var summary = await _deployments.ApplyConfigAsync(tenant.EnvironmentId, deployments, cancellationToken);
        foreach (var (key, client) in clients)
        {
            var integration = await _integrations.GetAsync(tenant.EnvironmentId, key, cancellationToken)
                ?? throw new InvalidOperationException($"Integration '{key}' is missing right after it was deployed.");
            await _integrationService.SetClientAsync(integration.Id, client, cancellationToken);
        }

        // The file's webhook settings win at every deploy; a deploy without the block hands every field back to the API.
        await _webhooks.ApplyConfiguredAsync(tenant, config.Webhooks, cancellationToken);
        return summary;
    }
}
