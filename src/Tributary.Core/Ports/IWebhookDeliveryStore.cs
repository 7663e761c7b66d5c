using Tributary.Core.Webhooks;

namespace Tributary.Core.Ports;

/// <summary>
/// The webhook outbox: rows are added by the run completion's own transaction (<see cref="RunCompletion.Webhooks"/>);
/// delivery workers claim due rows under a lease, then record the outcome of their attempt.
/// </summary>
public interface IWebhookDeliveryStore
{
    /// <summary>
    /// Claims up to <paramref name="max"/> due pending deliveries, each the oldest pending one of its connection and
    /// URL (per-connection order), leased for <paramref name="leaseMicros"/> on the database's clock where hosts share it.
    /// </summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string owner, int max, long now, long leaseMicros, CancellationToken cancellationToken) =>
        ClaimAsync(owner, max, now, leaseMicros, ClaimCursor.Start, cancellationToken);

    /// <summary>
    /// The claim, considering only deliveries past <paramref name="after"/> in the due order (next attempt, then id):
    /// a worker that claimed a full batch goes on from its last delivery instead of reading again past the ones it
    /// holds. A delivery behind the cursor (handed back, its lease expired, or committed late) waits for a claim
    /// from <see cref="ClaimCursor.Start"/>.
    /// </summary>
    Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string owner, int max, long now, long leaseMicros, ClaimCursor after, CancellationToken cancellationToken);

    /// <summary>Marks a claimed delivery delivered; false when its lease was taken over (nothing written).</summary>
    Task<bool> MarkDeliveredAsync(DeliveryLease lease, int status, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Marks many claimed deliveries delivered in one write and returns the ids it recorded (a delivery whose lease
    /// was taken over is left out and nothing is written for it).
    /// </summary>
    Task<IReadOnlyList<long>> MarkDeliveredManyAsync(IReadOnlyList<DeliveredAttempt> delivered, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a claimed delivery back unsent: no lease, and the attempt the claim counted is given back (nothing was
    /// posted). False when its lease was taken over.
    /// </summary>
    Task<bool> ReleaseAsync(DeliveryLease lease, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed attempt: the delivery is retried at <paramref name="nextAttemptAt"/>, or dead when that is null.
    /// Both were decided in the retry window that began at <paramref name="windowStartedAt"/> (as claimed); when a
    /// manual retry has opened a new window since, the retry's decision stands instead: the delivery stays pending,
    /// due when the retry made it due. Answers the state written (<see cref="DeliveryStates.Pending"/> or
    /// <see cref="DeliveryStates.Dead"/>), or null when the lease was taken over and nothing was written.
    /// </summary>
    Task<string?> MarkFailedAsync(DeliveryLease lease, long windowStartedAt, int? status, string failure, long? nextAttemptAt, CancellationToken cancellationToken);

    /// <summary>Whether every lease owner runs on this host (SQLite), so a dead owner's claims can be handed back at start.</summary>
    bool LeaseOwnersShareThisHost { get; }

    /// <summary>The owners of the pending deliveries that are claimed now (live lease or not).</summary>
    Task<IReadOnlyList<string>> LeaseOwnersAsync(CancellationToken cancellationToken);

    /// <summary>Releases the claims of <paramref name="owners"/> (their processes are gone) and returns how many were released.</summary>
    Task<int> ReleaseLeasesAsync(IReadOnlyList<string> owners, CancellationToken cancellationToken);

    /// <summary>Deliveries of an environment, newest first, filtered and paged by id.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListAsync(long environmentId, DeliveryFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Makes a delivered or dead delivery pending again, due now, with a fresh retry window, and returns it as this
    /// change left it (a worker may deliver it a moment later; the answer is what the retry did); null when it is unknown.
    /// </summary>
    Task<WebhookDelivery?> RetryAsync(long environmentId, long id, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="limit"/> delivered or dead deliveries whose retry window opened (when written, or
    /// when last retried by hand) before <paramref name="queuedBefore"/>, oldest first, in one transaction; returns how
    /// many. Pending deliveries are never deleted.
    /// </summary>
    Task<int> DeleteFinishedAsync(long queuedBefore, int limit, CancellationToken cancellationToken);
}

/// <summary>A claim of one delivery: every write of the attempt carries it and is refused once it is stale.</summary>
public sealed record DeliveryLease(long Id, string Owner, int Attempt);

/// <summary>An attempt the receiver accepted, with its answer's status, to record with others in one write.</summary>
public sealed record DeliveredAttempt(DeliveryLease Lease, int Status);

/// <param name="NextAttemptAt">When it was due: with its id, its place in the claim order (<see cref="ClaimCursor"/>).</param>
public sealed record ClaimedDelivery(
    DeliveryLease Lease,
    long EnvironmentId,
    string Url,
    string Body,
    long WindowStartedAt,
    long NextAttemptAt)
{
    /// <summary>A cursor just past this delivery in the claim order.</summary>
    public ClaimCursor Position => new(NextAttemptAt, Lease.Id);
}

/// <summary>A place in the claims' order, <c>(next_attempt_at, id)</c>: a claim after it takes only later deliveries.</summary>
public readonly record struct ClaimCursor(long NextAttemptAt, long Id)
{
    /// <summary>Before every delivery: a claim from the start of the due order.</summary>
    public static ClaimCursor Start { get; } = new(long.MinValue, long.MinValue);

    public static ClaimCursor Max(ClaimCursor a, ClaimCursor b) =>
        (a.NextAttemptAt, a.Id).CompareTo((b.NextAttemptAt, b.Id)) >= 0 ? a : b;
}

/// <param name="BeforeId">Only deliveries with a smaller id (the page cursor).</param>
public sealed record DeliveryFilter(string? State, long? RunId, string? ConnectionId, long? BeforeId, int Limit);
