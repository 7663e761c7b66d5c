using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Logs;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>
/// <c>GET /runs/{id}/logs</c>: a run's log, a page at a time by cursor, and a long poll that waits for new lines
/// of a queued or running run.
/// </summary>
public sealed class RunLogService
{
    /// <summary>How often a waiting follow looks for new lines (the writer stores lines in batches as they come).</summary>
    public static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(250);

    private readonly IRunHistoryStore _history;
    private readonly IRunLogStore _logs;
    private readonly EngineOptions _engine;
    private readonly TimeProvider _timeProvider;

    public RunLogService(IRunHistoryStore history, IRunLogStore logs, EngineOptions engine, TimeProvider timeProvider)
    {
        _history = history;
        _logs = logs;
        _engine = engine;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// The lines after <paramref name="afterId"/>. With <paramref name="wait"/>, a read that finds none while the
    /// run is queued, running, or stopped with its worker still storing its last lines waits (polling, bounded by
    /// <paramref name="wait"/>) for the first new ones.
    /// </summary>
    /// <remarks>
    /// Done means nothing more will come. A run that ends on its own (succeeded, failed) stores its last lines in the
    /// transaction that ends it, so its final state says it. A run stopped under its worker (cancelled, reset, paused)
    /// ends first; its worker notices, logs why it stopped and stores its lines after — so for it done waits for the
    /// worker to say so (<see cref="IRunQueueStore.CloseStoppedLogAsync"/>), or for a lease's length after the stop
    /// if that worker died meanwhile. The flag is read before the page: a line stored before the worker said so is
    /// on a page read after it.
    /// </remarks>
    /// <exception cref="Errors.NotFoundException">No run with this id in the tenant's environment.</exception>
    public async Task<RunLogPage> ReadAsync(Tenant tenant, long runId, long afterId, int limit, TimeSpan? wait, CancellationToken cancellationToken)
    {
        var run = await _history.GetRunAsync(tenant.EnvironmentId, runId, cancellationToken) ?? throw RunService.UnknownRun();
        var ended = IsFinal(run.State) && !await IsStoppedLogOpenAsync(runId, cancellationToken);
        var page = await ReadPageAsync(runId, afterId, limit, cancellationToken);
        if (page.Lines.Count > 0 || wait is not { } waitFor || ended)
        {
            return page with { State = run.State, Done = ended && !page.HasMore };
        }

        // Bounded: at most waitFor / FollowPoll polls.
        var polls = Math.Max(1, (int)Math.Ceiling(waitFor / FollowPoll));
        for (var i = 0; i < polls; i++)
        {
            await Task.Delay(FollowPoll, _timeProvider, cancellationToken);
            run = await _history.GetRunAsync(tenant.EnvironmentId, runId, cancellationToken) ?? throw RunService.UnknownRun();
            ended = IsFinal(run.State) && !await IsStoppedLogOpenAsync(runId, cancellationToken);
            page = await ReadPageAsync(runId, afterId, limit, cancellationToken);
            if (page.Lines.Count > 0 || ended)
            {
                return page with { State = run.State, Done = ended && !page.HasMore };
            }
        }

        return page with { State = run.State, Done = false };
    }

    /// <summary>Whether a stopped run's worker may still store lines: told so, or stopped less than a lease ago.</summary>
    private Task<bool> IsStoppedLogOpenAsync(long runId, CancellationToken cancellationToken) =>
        _history.IsStoppedLogOpenAsync(runId, Micros.Now(_timeProvider) - (long)_engine.LeaseDuration.TotalMicroseconds, cancellationToken);

    private async Task<RunLogPage> ReadPageAsync(long runId, long afterId, int limit, CancellationToken cancellationToken)
    {
        var lines = await _logs.ReadAsync(runId, afterId, limit + 1, cancellationToken);
        var hasMore = lines.Count > limit;
        var page = hasMore ? lines.Take(limit).ToList() : lines;
        var next = page.Count > 0 ? page[^1].Id : afterId;
        return new RunLogPage(page, next, hasMore, RunState.Queued, false);
    }

    private static bool IsFinal(RunState state) => state is RunState.Succeeded or RunState.Failed or RunState.Cancelled;
}

/// <param name="Lines">Oldest first.</param>
/// <param name="NextCursor">The id to read after next time (the last line's, or the cursor given when none came).</param>
/// <param name="HasMore">More lines are stored beyond this page now.</param>
/// <param name="State">The run's state when the page was read.</param>
/// <param name="Done">The run is finished and this page holds its last stored line: nothing more will come.</param>
public sealed record RunLogPage(IReadOnlyList<StoredRunLogLine> Lines, long NextCursor, bool HasMore, RunState State, bool Done);
