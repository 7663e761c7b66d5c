using Tributary.Core.Domain;
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
    private readonly TimeProvider _timeProvider;

    public RunLogService(IRunHistoryStore history, IRunLogStore logs, TimeProvider timeProvider)
    {
        _history = history;
        _logs = logs;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// The lines after <paramref name="afterId"/>. With <paramref name="wait"/>, a read that finds none while the
    /// run is queued or running waits (polling, bounded by <paramref name="wait"/>) for the first new ones.
    /// </summary>
    /// <exception cref="Errors.NotFoundException">No run with this id in the tenant's environment.</exception>
    public async Task<RunLogPage> ReadAsync(Tenant tenant, long runId, long afterId, int limit, TimeSpan? wait, CancellationToken cancellationToken)
    {
        var run = await _history.GetRunAsync(tenant.EnvironmentId, runId, cancellationToken) ?? throw RunService.UnknownRun();
        var page = await ReadPageAsync(runId, afterId, limit, cancellationToken);
        if (page.Lines.Count > 0 || wait is not { } waitFor || IsFinal(run.State))
        {
            return page with { State = run.State, Done = IsFinal(run.State) && !page.HasMore };
        }

        // Bounded: at most waitFor / FollowPoll polls.
        var polls = Math.Max(1, (int)Math.Ceiling(waitFor / FollowPoll));
        for (var i = 0; i < polls; i++)
        {
            await Task.Delay(FollowPoll, _timeProvider, cancellationToken);
            page = await ReadPageAsync(runId, afterId, limit, cancellationToken);
            if (page.Lines.Count > 0)
            {
                return page with { State = run.State, Done = false };
            }

            run = await _history.GetRunAsync(tenant.EnvironmentId, runId, cancellationToken) ?? throw RunService.UnknownRun();
            if (IsFinal(run.State))
            {
                // The engine stores a run's log before its final state: lines read after seeing the state are all of them.
                page = await ReadPageAsync(runId, afterId, limit, cancellationToken);
                return page with { State = run.State, Done = !page.HasMore };
            }
        }

        return page with { State = run.State, Done = false };
    }

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
