namespace Tributary.Core.Engine;

/// <summary>
/// How the scheduler, workers and reaper behave. Defaults suit one process on a small machine. The host fills it
/// (the CLI from its flags) and <see cref="EngineOptionsValidator"/> checks it before the engine is registered.
/// </summary>
/// <remarks>A record so the host can derive a copy (<c>with</c>) instead of changing the one it was given.</remarks>
public sealed record EngineOptions
{
    public const string SectionName = "Engine";

    /// <summary>Runs one worker executes at once (<c>--worker-slots</c>).</summary>
    public int WorkerSlots { get; set; } = 16;

    /// <summary>How long a claim lasts without a heartbeat; the reaper re-queues runs past it (<c>--lease-seconds</c>).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The fallback poll when no wake-up signal arrives (another process queued a run, or a signal was missed; <c>--poll-ms</c>).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The scheduler's grid tick.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Schedules turned into runs per transaction (bounded, so a burst never holds one long lock).</summary>
    public int SchedulerBatchSize { get; set; } = 1000;

    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a stopping worker lets running syncs finish before cancelling them (they go back to the queue).</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the host may take to stop: the grace, then up to 15 s for the cancelled runs to hand themselves
    /// back (a release retries while the database does not answer). A process that exits sooner leaves its runs
    /// to the reaper, which re-queues them only when their lease expires.
    /// </summary>
    public TimeSpan ShutdownTimeout => ShutdownGrace + TimeSpan.FromSeconds(15);

    public bool RunScheduler { get; set; } = true;

    public bool RunWorkers { get; set; } = true;

    /// <summary>Heartbeats come three times per lease, so one late heartbeat never loses it.</summary>
    public TimeSpan HeartbeatInterval => LeaseDuration / 3;
}
