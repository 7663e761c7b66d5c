using Tributary.Core.Domain;

namespace Tributary.Core.Ports;

/// <summary>Runs as the API shows them: read one, list, the latest per sync, and cancel one.</summary>
public interface IRunHistoryStore
{
    /// <summary>The run, when it belongs to the environment.</summary>
    Task<RunRow?> GetRunAsync(long environmentId, long runId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunRow>> ListRunsAsync(long environmentId, RunFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the run was stopped under its worker (cancelled, reset, paused while running) at or after
    /// <paramref name="finishedSince"/> and that worker has not yet said its last log lines are stored
    /// (<see cref="IRunQueueStore.CloseStoppedLogAsync"/>). False for every other run, finished or not.
    /// </summary>
    Task<bool> IsStoppedLogOpenAsync(long runId, long finishedSince, CancellationToken cancellationToken);

    /// <summary>Cancels a queued or running run; returns the run after the change, or null if unknown.</summary>
    Task<RunCancellation?> CancelRunAsync(long environmentId, long runId, string reason, long now, CancellationToken cancellationToken);

    /// <summary>The latest started run of each of the given syncs (for /sync/status).</summary>
    Task<IReadOnlyDictionary<string, RunRow>> LatestRunsAsync(IReadOnlyList<string> syncIds, CancellationToken cancellationToken);

    /// <summary>
    /// Retention: deletes up to <paramref name="limit"/> finished runs (succeeded, failed, cancelled) that finished
    /// before <paramref name="finishedBefore"/>, never a sync's latest started run (status shows it) and never a
    /// queued or running one. One transaction; on PostgreSQL one process at a time (another answers 0).
    /// </summary>
    /// <returns>How many runs were deleted.</returns>
    Task<int> DeleteFinishedRunsAsync(long finishedBefore, int limit, CancellationToken cancellationToken);
}

/// <summary>A run after a cancel, and whether that cancel moved it from running (a worker may be executing it).</summary>
/// <param name="WasRunning">False for a queued run and for one that had already finished (the cancel changed nothing).</param>
public sealed record RunCancellation(RunRow Run, bool WasRunning);

public sealed record RunFilter(
    string? ProviderConfigKey,
    string? ConnectionId,
    string? SyncName,
    string? Variant,
    string? State,
    string? BatchId,
    long? BeforeId,
    int Limit);
