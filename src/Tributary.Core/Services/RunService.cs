using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Errors;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>The runs API: read one, list a page, cancel one.</summary>
public sealed class RunService
{
    private readonly IRunHistoryStore _history;
    private readonly RunCancellations _cancellations;
    private readonly TimeProvider _timeProvider;

    public RunService(IRunHistoryStore history, RunCancellations cancellations, TimeProvider timeProvider)
    {
        _history = history;
        _cancellations = cancellations;
        _timeProvider = timeProvider;
    }

    public async Task<RunRow> GetAsync(Tenant tenant, long runId, CancellationToken cancellationToken) =>
        await _history.GetRunAsync(tenant.EnvironmentId, runId, cancellationToken) ?? throw UnknownRun();

    /// <summary>The runs matching the filter, newest first (at most <see cref="RunFilter.Limit"/>).</summary>
    public Task<IReadOnlyList<RunRow>> ListAsync(Tenant tenant, RunFilter filter, CancellationToken cancellationToken) =>
        _history.ListRunsAsync(tenant.EnvironmentId, filter, cancellationToken);

    /// <summary>
    /// Cancels a queued or running run (a finished one is answered as it is) and, when this cancel stopped it
    /// running, stops it in this process — only this run, never another run of its sync.
    /// </summary>
    public async Task<RunRow> CancelAsync(Tenant tenant, long runId, CancellationToken cancellationToken)
    {
        var cancelled = await _history.CancelRunAsync(tenant.EnvironmentId, runId, "Cancelled through the API", Micros.Now(_timeProvider), cancellationToken)
            ?? throw UnknownRun();
        if (cancelled.WasRunning)
        {
            _cancellations.Cancel(runId);
        }

        return cancelled.Run;
    }

    /// <summary>The answer to a run id that is unknown, of another environment, or not a run id at all.</summary>
    public static NotFoundException UnknownRun() => new("not_found", "No run with this id.");
}
