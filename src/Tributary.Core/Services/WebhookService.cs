using Tributary.Core.Domain;
using Tributary.Core.Errors;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;

namespace Tributary.Core.Services;

/// <summary>The webhooks API: an environment's settings and signing key, its deliveries and their manual retry.</summary>
public sealed class WebhookService
{
    private readonly IWebhookStore _settings;
    private readonly IWebhookDeliveryStore _deliveries;
    private readonly WebhookSettingsCache _cache;
    private readonly WebhookSigningKeys _keys;
    private readonly WebhookSignal _signal;
    private readonly TimeProvider _timeProvider;

    public WebhookService(
        IWebhookStore settings,
        IWebhookDeliveryStore deliveries,
        WebhookSettingsCache cache,
        WebhookSigningKeys keys,
        WebhookSignal signal,
        TimeProvider timeProvider)
    {
        _settings = settings;
        _deliveries = deliveries;
        _cache = cache;
        _keys = keys;
        _signal = signal;
        _timeProvider = timeProvider;
    }

    public Task<WebhookSettings> GetSettingsAsync(Tenant tenant, CancellationToken cancellationToken) =>
        _settings.GetSettingsAsync(tenant.EnvironmentId, cancellationToken);

    public async Task<WebhookSettings> UpdateSettingsAsync(Tenant tenant, WebhookSettingsPatch patch, CancellationToken cancellationToken)
    {
        var settings = await _settings.UpdateSettingsAsync(tenant.EnvironmentId, patch, Micros.Now(_timeProvider), cancellationToken);
        _cache.Invalidate(tenant.EnvironmentId);
        return settings;
    }

    /// <summary>Nango's <c>POST /environment/webhook-signing-key/rotate</c>: a new key, used for every delivery from now on.</summary>
    public Task<string> RotateSigningKeyAsync(Tenant tenant, CancellationToken cancellationToken) =>
        _keys.RotateAsync(tenant.EnvironmentId, cancellationToken);

    /// <summary>The key a receiver verifies with (generated on first use).</summary>
    public Task<string> GetSigningKeyAsync(Tenant tenant, CancellationToken cancellationToken) =>
        _keys.GetAsync(tenant.EnvironmentId, cancellationToken);

    public Task<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(Tenant tenant, DeliveryFilter filter, CancellationToken cancellationToken) =>
        _deliveries.ListAsync(tenant.EnvironmentId, filter, cancellationToken);

    /// <summary>Sends a delivery again (delivered or dead ones too), with a fresh retry window; answers it after the change.</summary>
    public async Task<WebhookDelivery> RetryDeliveryAsync(Tenant tenant, long id, CancellationToken cancellationToken)
    {
        if (!await _deliveries.RetryAsync(tenant.EnvironmentId, id, Micros.Now(_timeProvider), cancellationToken))
        {
            throw UnknownDelivery();
        }

        _signal.Notify();
        return await _deliveries.GetAsync(tenant.EnvironmentId, id, cancellationToken) ?? throw UnknownDelivery();
    }

    /// <summary>The answer to a delivery id that is unknown, of another environment, or not an id at all.</summary>
    public static NotFoundException UnknownDelivery() => new("not_found", "No webhook delivery with this id.");
}
