using Tributary.Core.Domain;
using Tributary.Core.Webhooks;

namespace Tributary.Server.Endpoints.Responses;

/// <summary>Maps the webhooks use cases' results to their wire records.</summary>
internal static class WebhookResponses
{
    public static WebhookSettingsResponse Settings(WebhookSettings settings, string signingKey) => new(
        settings.PrimaryUrl,
        settings.SecondaryUrl,
        settings.OnSyncCompletionAlways,
        settings.OnAuthCreation,
        settings.OnAuthRefreshError,
        settings.OnSyncError,
        settings.OnSyncRunSummary,
        signingKey);

    public static WebhookDeliveryResponse From(WebhookDelivery delivery) => new(
        delivery.Id.ToString(CultureInfo.InvariantCulture),
        delivery.RunId?.ToString(CultureInfo.InvariantCulture),
        delivery.ConnectionId,
        delivery.ProviderConfigKey,
        delivery.Event,
        delivery.Url,
        delivery.State,
        delivery.Attempts,
        Micros.ToIsoString(delivery.CreatedAt),
        RunResponses.IsoOrNull(delivery.NextAttemptAt),
        RunResponses.IsoOrNull(delivery.DeliveredAt),
        delivery.LastStatus,
        delivery.LastError);

    /// <param name="rows">Up to one more row than <paramref name="limit"/>: its presence means another page.</param>
    public static WebhookDeliveryListResponse Page(IReadOnlyList<WebhookDelivery> rows, int limit)
    {
        var page = rows.Take(limit).Select(From).ToList();
        var next = rows.Count > limit ? page[^1].Id : null;
        return new WebhookDeliveryListResponse(page, next);
    }
}
