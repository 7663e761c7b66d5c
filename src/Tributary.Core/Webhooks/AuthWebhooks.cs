namespace Tributary.Core.Webhooks;

/// <summary>
/// The auth webhooks a connection change adds to the outbox, by Nango's rules (reference §A.8): <c>creation</c> when
/// <c>on_auth_creation</c>; <c>override</c> whenever a URL exists (Nango has no flag for it); <c>refresh</c> with
/// <c>success: false</c> when <c>on_auth_refresh_error</c>. To the primary and secondary URL, or only the connection's
/// <c>webhook_url_override</c>. The caller hands the rendered rows to the store that writes the change, so they
/// commit together, then calls <see cref="Committed"/>.
/// </summary>
public sealed class AuthWebhooks
{
    private readonly WebhookSettingsCache _settings;
    private readonly WebhookSignal _signal;

    public AuthWebhooks(WebhookSettingsCache settings, WebhookSignal signal)
    {
        _settings = settings;
        _signal = signal;
    }

    public async Task<IReadOnlyList<OutboxWebhook>> CreationAsync(AuthFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var settings = await _settings.GetAsync(facts.EnvironmentId, cancellationToken);
        return settings.OnAuthCreation
            ? Rows(settings, facts, WebhookEvents.AuthCreation, AuthWebhookPayloads.Success(facts, AuthWebhookPayloads.Creation))
            : [];
    }

    public async Task<IReadOnlyList<OutboxWebhook>> OverrideAsync(AuthFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var settings = await _settings.GetAsync(facts.EnvironmentId, cancellationToken);
        return Rows(settings, facts, WebhookEvents.AuthOverride, AuthWebhookPayloads.Success(facts, AuthWebhookPayloads.Override));
    }

    /// <param name="error">What the provider answered (already free of secrets: it is what the connection records).</param>
    public async Task<IReadOnlyList<OutboxWebhook>> RefreshFailedAsync(AuthFacts facts, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var settings = await _settings.GetAsync(facts.EnvironmentId, cancellationToken);
        return settings.OnAuthRefreshError
            ? Rows(settings, facts, WebhookEvents.AuthRefresh, AuthWebhookPayloads.RefreshFailed(facts, error))
            : [];
    }

    /// <summary>Wakes this process's delivery workers once a change with webhooks committed.</summary>
    public void Committed(bool written)
    {
        if (written)
        {
            _signal.Notify();
        }
    }

    private static List<OutboxWebhook> Rows(WebhookSettings settings, AuthFacts facts, string kind, string body) =>
        SyncWebhookPlanner.Urls(settings, facts.WebhookUrlOverride)
            .Select(url => new OutboxWebhook(facts.EnvironmentId, facts.ConnectionRowId, facts.ConnectionId, facts.ProviderConfigKey, kind, url, body))
            .ToList();
}
