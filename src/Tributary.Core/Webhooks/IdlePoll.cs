namespace Tributary.Core.Webhooks;

/// <summary>
/// How long the delivery workers' claim loop waits before it polls again: <see cref="WebhookOptions.PollInterval"/>
/// while there is work, doubling after each claim that found nothing up to <see cref="MaxFactor"/> times the interval.
/// </summary>
/// <remarks>
/// Why: an idle process claimed twice a second from an empty outbox, a write transaction each on SQLite, which was
/// most of what issue 8's idle server did beyond the engine's own poll (B10.idle_cpu, docs/benchmarks.md). Work this
/// process makes wakes the loop at once (<see cref="WebhookSignal"/>) and resets the wait; only deliveries written by
/// another process while this one idles (or a retry coming due) wait longer for the poll: up to 2 s instead of 0.5 s.
/// </remarks>
internal sealed class IdlePoll
{
    /// <summary>The longest wait, in poll intervals.</summary>
    public const int MaxFactor = 4;

    private readonly TimeSpan _interval;
    private int _factor = 1;

    public IdlePoll(TimeSpan interval)
    {
        _interval = interval;
    }

    /// <summary>The wait before the next poll.</summary>
    public TimeSpan Wait => _interval * _factor;

    /// <summary>
    /// Records how the last claim and wait went: a claim that found nothing and a wait no signal ended lengthen the
    /// next wait; anything else (work found, a failed claim to retry, a wake-up) brings it back to the interval.
    /// </summary>
    public void After(bool foundNothing, bool woken)
    {
        _factor = foundNothing && !woken ? Math.Min(_factor * 2, MaxFactor) : 1;
    }
}
