using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Webhooks;

/// <summary>
/// The webhooks a finished run adds to the outbox: read the environment's settings, apply Nango's rules, render the
/// bodies. The engine hands them to the run's completion, which writes them in its own transaction.
/// </summary>
public sealed class SyncWebhooks : IEndedRunWebhooks
{
    private readonly WebhookSettingsCache _settings;
    private readonly WebhookSignal _signal;

    public SyncWebhooks(WebhookSettingsCache settings, WebhookSignal signal)
    {
        _settings = settings;
        _signal = signal;
    }

    /// <summary>Wakes this process's delivery workers once a completion with webhooks committed.</summary>
    internal void Committed(IReadOnlyList<OutboxWebhook>? webhooks)
    {
        if (webhooks is { Count: > 0 })
        {
            _signal.Notify();
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OutboxWebhook>> FailedAsync(EndedRun run, long now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var settings = await _settings.GetAsync(run.EnvironmentId, cancellationToken);
        var facts = new SyncRunFacts(
            run.RunId,
            run.TriggerSource,
            run.ConnectionId,
            run.ProviderConfigKey,
            run.SyncName,
            run.SyncVariant,
            run.Models,
            run.AttemptStartedAt ?? now,
            run.LastSyncDate,
            null);
        var address = new OutboxAddress(run.EnvironmentId, run.ConnectionRowId, run.ConnectionId, run.ProviderConfigKey);
        return SyncWebhookPlanner.Failed(settings, run.WebhookUrlOverride, facts, address, new Dictionary<string, ModelCounts>(), run.Error, now);
    }

    /// <inheritdoc />
    public void Committed() => _signal.Notify();

    internal async Task<IReadOnlyList<OutboxWebhook>> SucceededAsync(RunTarget target, RunCounts counts, CheckpointChange? checkpoints, long now, CancellationToken cancellationToken)
    {
        var settings = await _settings.GetAsync(target.Connection.EnvironmentId, cancellationToken);
        return SyncWebhookPlanner.Succeeded(settings, target.Connection.WebhookUrlOverride, Facts(target, checkpoints), Address(target), counts.Snapshot(), now);
    }

    internal async Task<IReadOnlyList<OutboxWebhook>> FailedAsync(RunTarget target, RunCounts counts, string error, long now, CancellationToken cancellationToken)
    {
        var settings = await _settings.GetAsync(target.Connection.EnvironmentId, cancellationToken);
        return SyncWebhookPlanner.Failed(settings, target.Connection.WebhookUrlOverride, Facts(target, null), Address(target), counts.Snapshot(), error, now);
    }

    private static SyncRunFacts Facts(RunTarget target, CheckpointChange? checkpoints) => new(
        target.Run.RunId,
        target.Run.TriggerSource,
        target.Connection.ConnectionId,
        target.Connection.ProviderConfigKey,
        target.Sync.Name,
        target.Sync.Variant,
        target.Config.Models,
        target.Run.AttemptStartedAt,
        target.Sync.LastSyncDate,
        checkpoints);

    private static OutboxAddress Address(RunTarget target) =>
        new(target.Connection.EnvironmentId, target.Connection.Id, target.Connection.ConnectionId, target.Connection.ProviderConfigKey);
}
