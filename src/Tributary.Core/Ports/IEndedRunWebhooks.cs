using Tributary.Core.Webhooks;

namespace Tributary.Core.Ports;

/// <summary>
/// The failure webhooks of runs that end outside their worker — cancelled through the API while running, or failed by
/// the lease reaper — as Nango sends its failure webhook on a cancellation or an expiry. The store that ends them
/// asks for the webhooks inside its transaction and writes them to the outbox with the state change.
/// </summary>
public interface IEndedRunWebhooks
{
    /// <summary>The webhooks reporting these runs' failure (none when the environment has no URL or sync errors off).</summary>
    Task<IReadOnlyList<OutboxWebhook>> FailedAsync(EndedRun run, long now, CancellationToken cancellationToken);

    /// <summary>Called after the transaction committed with webhooks in it: wakes this process's delivery workers.</summary>
    void Committed();
}

/// <summary>What the store reads about a run it just ended, for its failure webhook. Times are unix microseconds.</summary>
/// <param name="AttemptStartedAt">The last attempt's start, or null when it never started.</param>
/// <param name="LastSyncDate">The sync's last sync date (Nango's <c>startedAt</c> of a failure); null when it never synced.</param>
public sealed record EndedRun(
    long RunId,
    string TriggerSource,
    string Error,
    long? AttemptStartedAt,
    long EnvironmentId,
    long ConnectionRowId,
    string ConnectionId,
    string ProviderConfigKey,
    string? WebhookUrlOverride,
    string SyncName,
    string SyncVariant,
    IReadOnlyList<string> Models,
    long? LastSyncDate);
