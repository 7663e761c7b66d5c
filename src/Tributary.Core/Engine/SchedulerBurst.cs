namespace Tributary.Core.Engine;

/// <summary>
/// Tells this process's worker that its scheduler is queueing a backlog (a tick that found more than one batch
/// due, as after an outage), so that the worker holds its claims until the backlog is queued.
/// </summary>
/// <remarks>
/// <para>
/// Why: while a worker drained, every batch of a burst waited behind its claims and completions (CPU on a small
/// host, SQLite's single writer, PostgreSQL's log flushes): 100,000 schedules took 27.6 s to queue on PostgreSQL
/// where the queueing alone takes under 5 s. Holding the claims for those seconds costs the runs nothing they would
/// not have waited anyway (they are all due at once), and the worker then drains a queue that is complete.
/// </para>
/// <para>
/// Bounded: a burst holds the worker for at most <see cref="MaxHold"/> from its start, however long it lasts, so a
/// huge backlog cannot starve the slots. Only this process's worker holds; workers of other processes are woken
/// per batch as before.
/// </para>
/// </remarks>
public sealed class SchedulerBurst
{
    /// <summary>The longest a burst holds this process's claims.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a backlog tick woken by a start waits for the start's next chunk once it has caught up with it
    /// (<see cref="SyncScheduler.TickAsync(bool, CancellationToken)"/>). A chunk of 5,000 schedules takes 0.1-0.3 s on
    /// a quiet 2-core host; a start slower than this ends the tick as before, and the next poke begins another.
    /// </summary>
    public static readonly TimeSpan NextChunkWait = TimeSpan.FromMilliseconds(500);

    private readonly object _sync = new();
    private readonly TimeProvider _timeProvider;
    private TaskCompletionSource? _ended;
    private long _startedAt;

    public SchedulerBurst(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    /// <summary>Whether a burst is being queued now (for tests and diagnostics).</summary>
    public bool InProgress
    {
        get
        {
            lock (_sync)
            {
                return _ended is not null;
            }
        }
    }

    /// <summary>The scheduler found a backlog: hold the worker's claims until <see cref="End"/>.</summary>
    public void Begin()
    {
        lock (_sync)
        {
            if (_ended is null)
            {
                _ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _startedAt = _timeProvider.GetTimestamp();
            }
        }
    }

    /// <summary>The backlog is queued (or the tick failed): release the worker.</summary>
    public void End()
    {
        TaskCompletionSource? ended;
        lock (_sync)
        {
            ended = _ended;
            _ended = null;
        }

        ended?.TrySetResult();
    }

    /// <summary>Returns at once when no burst is in progress; otherwise when it ends or has held for <see cref="MaxHold"/>.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task ended;
        TimeSpan left;
        lock (_sync)
        {
            if (_ended is null)
            {
                return;
            }

            ended = _ended.Task;
            left = MaxHold - _timeProvider.GetElapsedTime(_startedAt);
        }

        if (left <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await ended.WaitAsync(left, _timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Held long enough: the worker claims again while the rest of the burst is queued.
        }
    }
}
