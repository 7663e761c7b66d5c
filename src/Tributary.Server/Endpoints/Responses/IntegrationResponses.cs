using Tributary.Core.Domain;

namespace Tributary.Server.Endpoints.Responses;

/// <summary>Core's integrations in Nango's shape.</summary>
internal static class IntegrationResponses
{
    public static IntegrationResponse From(Integration integration) => new(
        integration.UniqueKey,
        integration.DisplayName ?? integration.UniqueKey,
        integration.Provider,
        string.Empty,
        Micros.ToIsoString(integration.CreatedAt),
        Micros.ToIsoString(integration.UpdatedAt));

    public static IntegrationDataResponse Data(Integration integration) => new(From(integration));
}
