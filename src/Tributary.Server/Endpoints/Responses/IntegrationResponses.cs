using Tributary.Core.Domain;
using Tributary.Core.Providers;

namespace Tributary.Server.Endpoints.Responses;

/// <summary>Core's integrations in Nango's shape (its <c>integrationToPublicApi</c>).</summary>
internal static class IntegrationResponses
{
    /// <remarks>
    /// The display name is the integration's own, else its provider template's (Nango's <c>display_name ||
    /// provider.display_name</c>), else — for a provider without a template — the integration's key.
    /// </remarks>
    public static IntegrationResponse From(Integration integration, ProviderCatalogue providers) => new(
        integration.UniqueKey,
        integration.DisplayName ?? providers.Find(integration.Provider)?.DisplayName ?? integration.UniqueKey,
        integration.Provider,
        string.Empty,
        Micros.ToIsoString(integration.CreatedAt),
        Micros.ToIsoString(integration.UpdatedAt))
    {
        ForwardWebhooks = integration.ForwardWebhooks,
    };

    public static IntegrationDataResponse Data(Integration integration, ProviderCatalogue providers) => new(From(integration, providers));
}
