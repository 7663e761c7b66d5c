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

    /// <exception cref="ConflictException">The patch changes a field tributary.yaml's <c>webhooks:</c> pins (nothing is written).</exception>
    public async Task<WebhookSettings> UpdateSettingsAsync(Tenant tenant, WebhookSettingsPatch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(patch);
        var current = await _settings.GetSettingsAsync(tenant.EnvironmentId, cancellationToken);
        var refused = PatchedFields(patch).Where(current.Pinned.Contains).ToList();
        if (refused.Count > 0)
        {
            // Declarative config is not silently overwritten: the file is changed and deployed instead.
            throw new ConflictException(
                "webhook_settings_pinned",
                $"Set by tributary.yaml (webhooks:), change it there and deploy: {string.Join(", ", refused)}.",
                new System.Text.Json.Nodes.JsonObject { ["pinned"] = new System.Text.Json.Nodes.JsonArray([.. refused.Select(f => (System.Text.Json.Nodes.JsonNode?)f)]) });
        }

        var settings = await _settings.UpdateSettingsAsync(tenant.EnvironmentId, patch, Micros.Now(_timeProvider), cancellationToken);
        _cache.Invalidate(tenant.EnvironmentId);
        return settings;
    }

    /// <summary>
    /// Applies tributary.yaml's <c>webhooks:</c> (at every deploy, and so at every <c>serve</c> start): the file's values
    /// win over what the API set, and the fields it gives become pinned; with no block, nothing is pinned.
    /// </summary>
    public async Task ApplyConfiguredAsync(Tenant tenant, Configuration.WebhookConfig? config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await _settings.ApplyConfiguredAsync(tenant.EnvironmentId, config?.Settings ?? new WebhookSettingsPatch(), config?.Pinned ?? [], Micros.Now(_timeProvider), cancellationToken);
        _cache.Invalidate(tenant.EnvironmentId);
    }

    private static IEnumerable<string> PatchedFields(WebhookSettingsPatch patch)
    {
        if (patch.PrimaryUrl is not null)
        {
            yield return Configuration.WebhookConfigReader.PrimaryUrl;
        }

        if (patch.SecondaryUrl is not null)
        {
            yield return Configuration.WebhookConfigReader.SecondaryUrl;
        }

        if (patch.OnSyncCompletionAlways is not null)
        {
            yield return Configuration.WebhookConfigReader.OnSyncCompletionAlways;
        }

        if (patch.OnAuthCreation is not null)
        {
            yield return Configuration.WebhookConfigReader.OnAuthCreation;
        }

        if (patch.OnAuthRefreshError is not null)
        {
            yield return Configuration.WebhookConfigReader.OnAuthRefreshError;
        }

        if (patch.OnSyncError is not null)
        {
            yield return Configuration.WebhookConfigReader.OnSyncError;
        }

        if (patch.OnSyncRunSummary is not null)
        {
            yield return Configuration.WebhookConfigReader.OnSyncRunSummary;
        }
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
        // Answered as the retry left it, not read again: a worker woken by the signal may have delivered it meanwhile.
        var retried = await _deliveries.RetryAsync(tenant.EnvironmentId, id, Micros.Now(_timeProvider), cancellationToken)
            ?? throw UnknownDelivery();
        _signal.Notify();
        return retried;
    }

    /// <summary>The answer to a delivery id that is unknown, of another environment, or not an id at all.</summary>
    public static NotFoundException UnknownDelivery() => new("not_found", "No webhook delivery with this id.");
}
