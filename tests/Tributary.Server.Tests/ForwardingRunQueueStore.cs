using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Server.Tests;

/// <summary>
/// A run queue that passes every call to the server's real one: a test overrides the call it places itself in
/// (a crash after a commit, a held answer) and inherits the rest.
/// </summary>
internal abstract class ForwardingRunQueueStore(IRunQueueStore inner) : IRunQueueStore
{
    protected IRunQueueStore Inner { get; } = inner;

    public virtual Task<IReadOnlyList<TriggerOutcome>> ApplyTriggerAsync(IReadOnlyList<SyncRow> targets, TriggerRequest request, CancellationToken cancellationToken) =>
        Inner.ApplyTriggerAsync(targets, request, cancellationToken);

    public virtual Task<int> EnqueueDueAsync(long now, int limit, CancellationToken cancellationToken) => Inner.EnqueueDueAsync(now, limit, cancellationToken);

    public virtual Task<IReadOnlyList<ClaimedRun>> ClaimAsync(string owner, int max, long now, long leaseMicros, CancellationToken cancellationToken) =>
        Inner.ClaimAsync(owner, max, now, leaseMicros, cancellationToken);

    public virtual Task<bool> HeartbeatAsync(long runId, long leaseToken, long now, long leaseMicros, CancellationToken cancellationToken) =>
        Inner.HeartbeatAsync(runId, leaseToken, now, leaseMicros, cancellationToken);

    public virtual Task<IReadOnlyList<bool>> CompleteManyAsync(IReadOnlyList<RunCompletion> completions, CancellationToken cancellationToken) =>
        Inner.CompleteManyAsync(completions, cancellationToken);

    public virtual Task ReleaseAsync(RunFence fence, long now, CancellationToken cancellationToken) => Inner.ReleaseAsync(fence, now, cancellationToken);

    public virtual Task CloseStoppedLogAsync(RunFence fence, CancellationToken cancellationToken) => Inner.CloseStoppedLogAsync(fence, cancellationToken);

    public virtual Task<IReadOnlyList<long>> ReapExpiredAsync(long now, int limit, CancellationToken cancellationToken) =>
        Inner.ReapExpiredAsync(now, limit, cancellationToken);

    public bool LeaseOwnersShareThisHost => Inner.LeaseOwnersShareThisHost;

    public virtual Task<IReadOnlyList<string>> LeaseOwnersAsync(CancellationToken cancellationToken) => Inner.LeaseOwnersAsync(cancellationToken);

    public virtual Task<int> ExpireLeasesAsync(IReadOnlyList<string> owners, CancellationToken cancellationToken) =>
        Inner.ExpireLeasesAsync(owners, cancellationToken);
}
