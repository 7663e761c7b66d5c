using Tributary.Core.Domain;

namespace Tributary.Core.Ports;

/// <summary>
/// The durable run queue: triggers and due schedules queue runs, workers claim, heartbeat, complete and release
/// them, the reaper re-queues expired ones. At most one queued and one running run per sync (unique partial
/// indexes); every state change is a compare-and-set, and every write of a running run carries its lease token.
/// </summary>
public interface IRunQueueStore
{
    /// <summary>Applies a trigger to every target sync in one transaction.</summary>
    Task<IReadOnlyList<TriggerOutcome>> ApplyTriggerAsync(IReadOnlyList<SyncRow> targets, TriggerRequest request, CancellationToken cancellationToken);

    /// <summary>Queues runs for at most <paramref name="limit"/> due STARTED schedules and moves their due time to the next grid point.</summary>
    /// <returns>How many schedules were processed (a full batch means: call again).</returns>
    Task<int> EnqueueDueAsync(long now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> queued runs whose sync has no running run, each leased for
    /// <paramref name="leaseMicros"/> from now (the database's clock where several hosts share it, see
    /// <see cref="HeartbeatAsync"/>).
    /// </summary>
    Task<IReadOnlyList<ClaimedRun>> ClaimAsync(string owner, int max, long now, long leaseMicros, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease to <paramref name="leaseMicros"/> from now; false when the run is no longer this lease's
    /// (cancelled, expired, taken over). "Now" is the database's clock where several hosts share it (PostgreSQL),
    /// else <paramref name="now"/>: lease expiry never compares two hosts' clocks.
    /// </summary>
    Task<bool> HeartbeatAsync(long runId, long leaseToken, long now, long leaseMicros, CancellationToken cancellationToken);

    /// <summary>
    /// Completes several runs in one transaction (one commit for all: group commit); for each, false (and nothing
    /// written for it) when its lease was lost. A completion that an earlier try already committed (its answer
    /// lost with the connection), success or failure, is true, and nothing of it is written again.
    /// </summary>
    Task<IReadOnlyList<bool>> CompleteManyAsync(IReadOnlyList<RunCompletion> completions, CancellationToken cancellationToken);

    /// <summary>Gives a run back to the queue on graceful shutdown (or fails it when a follow-up is already queued).</summary>
    Task ReleaseAsync(RunFence fence, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Says that the worker of a run stopped under it (cancelled, reset, paused while running) has stored the run's
    /// last log lines: its lease owner is cleared, so a reader of the log knows that nothing more will come. Nothing
    /// happens when the run is not finished, or another claim holds it now.
    /// </summary>
    Task CloseStoppedLogAsync(RunFence fence, CancellationToken cancellationToken);

    /// <summary>
    /// Re-queues running runs whose lease expired; fails them instead when a follow-up is already queued (even one
    /// queued concurrently) or when they are poison (too many attempts that saved nothing, or the attempt ceiling).
    /// </summary>
    /// <returns>The runs re-queued.</returns>
    Task<IReadOnlyList<long>> ReapExpiredAsync(long now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Whether every process that can hold a lease runs on this host (SQLite), so that a lease owner's process id
    /// tells whether it is still alive.
    /// </summary>
    bool LeaseOwnersShareThisHost { get; }

    /// <summary>The lease owners of the running runs.</summary>
    Task<IReadOnlyList<string>> LeaseOwnersAsync(CancellationToken cancellationToken);

    /// <summary>Expires the leases of <paramref name="owners"/> at once (processes known dead); the reaper then takes their runs.</summary>
    /// <returns>How many runs' leases were expired.</returns>
    Task<int> ExpireLeasesAsync(IReadOnlyList<string> owners, CancellationToken cancellationToken);
}

/// <param name="Idempotency">
/// When the request carries an idempotency key: its answer, stored in the trigger's own transaction, so that a
/// committed trigger always has its answer remembered (a crash after the commit cannot let a retry apply it again).
/// </param>
public sealed record TriggerRequest(bool Reset, bool EmptyCache, string Initiator, string? BatchId, long Now, IdempotentAnswer? Idempotency = null);

/// <summary>The answer to remember for a reserved idempotency key, rendered from the trigger's outcomes before its commit.</summary>
public sealed record IdempotentAnswer(long EnvironmentId, string Key, int Status, Func<IReadOnlyList<TriggerOutcome>, string> Render);

/// <param name="StoppedRunId">
/// On a restart, the running run the reset cancelled: the one to stop in this process (the sync's new run, whose id is
/// <paramref name="RunId"/>, may already be claimed here by then). Never on the wire.
/// </param>
public sealed record TriggerOutcome(string SyncId, long RunId, string Outcome, long? StoppedRunId = null);

public static class TriggerOutcomes
{
    public const string Queued = "queued";
    public const string Coalesced = "coalesced";
    public const string Restarted = "restarted";
}

public sealed record ClaimedRun(
    long RunId,
    long LeaseToken,
    string SyncId,
    int Attempt,
    bool Reset,
    bool EmptyCache,
    bool EmptyCacheDone,
    string TriggerSource,
    long AttemptStartedAt,
    string? ResultJson)
{
    /// <summary>
    /// The run's first claim ever: a run is queued with lease token 0 and only a claim increments it (a hand-back
    /// gives its attempt back, not its token), so token 1 means no earlier attempt ran — or wrote a log line.
    /// </summary>
    public bool IsFirstClaim => LeaseToken == 1;
}

/// <summary>Identifies a run's lease: every write of a run carries it and is refused once it is stale.</summary>
public sealed record RunFence(long RunId, long LeaseToken);

/// <param name="Webhooks">The webhooks reporting this completion: written to the outbox in its transaction, only if its lease held.</param>
/// <param name="LogLines">
/// The attempt's last log lines (<see cref="Tributary.Core.Logs.RunLog.SealAsync"/>): written in the completion's
/// transaction, only if its lease held, so a short run's log costs no write transaction of its own.
/// </param>
/// <param name="JobType">
/// Nango's job type of the attempt, <see cref="RunJobTypes"/>: <c>INCREMENTAL</c> when its config is incremental and
/// the sync had a last sync date when it started, else <c>FULL</c>; null when the run failed before its sync loaded.
/// </param>
public sealed record RunCompletion(
    RunFence Fence,
    string SyncId,
    bool Succeeded,
    string? ResultJson,
    string? Error,
    long Now,
    long? LastSyncDate,
    IReadOnlyList<Tributary.Core.Webhooks.OutboxWebhook>? Webhooks = null,
    IReadOnlyList<Tributary.Core.Logs.RunLogLine>? LogLines = null,
    string? JobType = null);

/// <summary>Nango's sync job types, as <c>GET /sync/status</c> reads them (<c>type</c>: INCREMENTAL or INITIAL).</summary>
public static class RunJobTypes
{
    public const string Incremental = "INCREMENTAL";

    public const string Full = "FULL";

    /// <summary>The type of an attempt of <paramref name="sync"/>, from the sync as the attempt found it when it started.</summary>
    public static string Of(SyncConfig config, SyncRow sync) => Of(config.SyncType, sync.LastSyncDate);

    /// <param name="configSyncType">The config's <c>sync_type</c>: <c>incremental</c> or <c>full</c>.</param>
    /// <param name="lastSyncDate">The sync's last sync date when the attempt started.</param>
    public static string Of(string configSyncType, long? lastSyncDate) =>
        configSyncType == "incremental" && lastSyncDate is not null ? Incremental : Full;
}
