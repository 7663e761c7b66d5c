using Tributary.Core.Credentials;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Errors;
using Tributary.Core.Ports;
using Tributary.Core.Providers;
using Tributary.Core.Security;

namespace Tributary.Core.Services;

/// <summary>Integrations: list, read, create, relabel or rename, delete with everything under them.</summary>
public sealed class IntegrationService
{
    private readonly IIntegrationStore _integrations;
    private readonly IOAuthClientStore _clients;
    private readonly CredentialProtector _protector;
    private readonly RunCancellations _cancellations;
    private readonly TimeProvider _timeProvider;
    private readonly ConnectionChanges _changes;
    private readonly ProviderCatalogue _providers;

    /// <summary>The auth modes whose integrations Nango creates only with their app's credentials.</summary>
    private static readonly AuthMode[] NeedCredentials = [AuthMode.OAuth2];

    public IntegrationService(
        IIntegrationStore integrations,
        IOAuthClientStore clients,
        CredentialProtector protector,
        RunCancellations cancellations,
        TimeProvider timeProvider,
        ConnectionChanges changes,
        ProviderCatalogue providers)
    {
        _providers = providers;
        _changes = changes;
        _integrations = integrations;
        _clients = clients;
        _protector = protector;
        _cancellations = cancellations;
        _timeProvider = timeProvider;
    }

    public Task<IReadOnlyList<Integration>> ListAsync(Tenant tenant, CancellationToken cancellationToken) =>
        _integrations.ListAsync(tenant.EnvironmentId, cancellationToken);

    /// <summary>
    /// Each integration with deployed syncs, and those syncs, as Nango's scripts config orders them: the syncs by name
    /// (ordinal, on both databases), the integrations by their first sync's name.
    /// </summary>
    public async Task<IReadOnlyList<DeployedSyncs>> ListDeployedSyncsAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        var integrations = (await _integrations.ListAsync(tenant.EnvironmentId, cancellationToken)).ToDictionary(i => i.Id);
        var configs = await _integrations.ListDeployedSyncConfigsAsync(tenant.EnvironmentId, cancellationToken);
        var byIntegration = new Dictionary<long, List<SyncConfig>>();
        var order = new List<Integration>();
        foreach (var config in configs.OrderBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.IntegrationId))
        {
            // One created after the integrations were read is left for the next call.
            if (!integrations.TryGetValue(config.IntegrationId, out var integration))
            {
                continue;
            }

            if (!byIntegration.TryGetValue(integration.Id, out var syncs))
            {
                byIntegration[integration.Id] = syncs = [];
                order.Add(integration);
            }

            syncs.Add(config);
        }

        return order.Select(i => new DeployedSyncs(i, byIntegration[i.Id])).ToList();
    }

    public Task<Integration> GetAsync(Tenant tenant, string uniqueKey, CancellationToken cancellationToken) =>
        FindAsync(tenant, uniqueKey, $"Integration \"{uniqueKey}\" does not exist", cancellationToken);

    /// <summary>The integration with its OAuth app, the secret decrypted (Nango's <c>include=credentials</c>).</summary>
    public async Task<(Integration Integration, OAuthClientCredentials? Client)> GetWithCredentialsAsync(Tenant tenant, string uniqueKey, CancellationToken cancellationToken)
    {
        var integration = await GetAsync(tenant, uniqueKey, cancellationToken);
        var stored = await _clients.GetAsync(integration.Id, cancellationToken);
        return (integration, stored is null ? null : new OAuthClientCredentials(
            stored.ClientId, stored.EncryptedSecret is { } secret ? _protector.Unprotect(secret) : null, stored.Scopes));
    }

    /// <summary>
    /// A new integration, checked as Nango's <c>postPublicIntegration</c> where the provider has a template (one without
    /// is taken as it is): an OAuth app for a provider of another auth mode is 400 "incompatible credentials auth type
    /// and provider auth", and an OAuth2 provider without one is 400 "Missing credentials" — nobody could connect to it.
    /// </summary>
    /// <returns>The new integration, or null when the key is already taken in the environment.</returns>
    public async Task<Integration?> CreateAsync(
        Tenant tenant, string uniqueKey, string provider, string? displayName, OAuthClientCredentials? client, bool forwardWebhooks, CancellationToken cancellationToken)
    {
        if (_providers.Find(provider) is { } template)
        {
            CheckCredentialsKind(template, client);
            if (client is null && NeedCredentials.Contains(template.AuthMode))
            {
                throw new InvalidInputException("invalid_body", "Missing credentials");
            }
        }

        // One timestamp for the row and its app: setting the app stamps updated_at, so the answer is the row as stored.
        var now = Micros.Now(_timeProvider);
        var created = await _integrations.CreateAsync(tenant.EnvironmentId, uniqueKey, provider, displayName, forwardWebhooks, now, cancellationToken);
        if (created is not null && client is not null)
        {
            await SetClientAsync(created.Id, client, now, cancellationToken);
        }

        return created;
    }

    /// <summary>
    /// An OAuth app (the only credentials an integration takes here) fits an OAUTH2 provider, as Nango compares them,
    /// and an OAUTH2_CC one too (Nango has no app for those; here a client-credentials connection may use the
    /// integration's, docs/providers.md).
    /// </summary>
    private static void CheckCredentialsKind(ProviderDefinition template, OAuthClientCredentials? client)
    {
        if (client is not null && template.AuthMode is not (AuthMode.OAuth2 or AuthMode.OAuth2ClientCredentials))
        {
            throw new InvalidInputException("invalid_body", "incompatible credentials auth type and provider auth");
        }
    }

    /// <summary>Stores an integration's OAuth app, the secret encrypted under the credentials key.</summary>
    public Task SetClientAsync(long integrationId, OAuthClientCredentials client, CancellationToken cancellationToken) =>
        SetClientAsync(integrationId, client, Micros.Now(_timeProvider), cancellationToken);

    private Task SetClientAsync(long integrationId, OAuthClientCredentials client, long now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _clients.SetAsync(
            integrationId,
            new StoredOAuthClient(client.ClientId, client.ClientSecret is { } secret ? _protector.Protect(secret) : null, client.Scopes),
            now,
            cancellationToken);
    }

    /// <summary>
    /// Relabels and/or renames (null leaves a field as it is); an integration with connections cannot be renamed. Nango's
    /// order: the integration, then an OAuth app of the wrong kind for its provider's template, then the rename.
    /// </summary>
    public async Task<Integration> UpdateAsync(
        Tenant tenant, string uniqueKey, string? newUniqueKey, string? displayName, OAuthClientCredentials? client, bool? forwardWebhooks, CancellationToken cancellationToken)
    {
        var integration = await FindAsync(tenant, uniqueKey, $"Integration \"{uniqueKey}\" does not exist", cancellationToken);
        if (_providers.Find(integration.Provider) is { } template)
        {
            CheckCredentialsKind(template, client);
        }

        var rename = newUniqueKey is not null && newUniqueKey != integration.UniqueKey ? newUniqueKey : null;
        if (rename is not null)
        {
            if (await _integrations.GetAsync(tenant.EnvironmentId, rename, cancellationToken) is not null)
            {
                throw KeyTaken();
            }

            if (await _integrations.CountConnectionsAsync(integration.Id, cancellationToken) > 0)
            {
                throw new InvalidInputException("invalid_body", "Can't rename an integration with active connections");
            }
        }

        var now = Micros.Now(_timeProvider);
        var updated = await _integrations.UpdateAsync(integration.Id, rename, displayName, forwardWebhooks, now, cancellationToken)
            ?? throw KeyTaken();
        if (client is not null)
        {
            await SetClientAsync(integration.Id, client, now, cancellationToken);
        }

        return updated;
    }

    /// <summary>Deletes the integration with everything under it and stops its runs executing in this process.</summary>
    public async Task DeleteAsync(Tenant tenant, string uniqueKey, CancellationToken cancellationToken)
    {
        var integration = await FindAsync(tenant, uniqueKey, "Integration does not exist", cancellationToken);
        var stopped = await _integrations.DeleteAsync(integration.Id, Micros.Now(_timeProvider), cancellationToken);
        _changes.Changed();
        _cancellations.Cancel(stopped);
    }

    private async Task<Integration> FindAsync(Tenant tenant, string uniqueKey, string notFoundMessage, CancellationToken cancellationToken) =>
        await _integrations.GetAsync(tenant.EnvironmentId, uniqueKey, cancellationToken)
            ?? throw new NotFoundException("not_found", notFoundMessage);

    private static InvalidInputException KeyTaken() => new("invalid_body", "uniqueKey is already used by another integration");
}
