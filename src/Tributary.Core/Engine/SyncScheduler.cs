using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Turns due schedules into queued runs, a bounded batch per transaction, every tick interval and at once when
/// schedules are started (<see cref="SchedulerSignal"/>). After an outage all due schedules fire once (missed slots
/// are skipped, never replayed).
/// </summary>
public sealed class SyncScheduler
{
    private readonly IRunQueueStore _runs;
    private readonly RunWakeups _wakeups;
    private readonly SchedulerBurst _burst;
    private readonly ISchedulerUpkeep _upkeep;
    private readonly SchedulerSignal _signal;
    private readonly EngineOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SyncScheduler> _logger;

    public SyncScheduler(
        IRunQueueStore runs,
        RunWakeups wakeups,
        SchedulerBurst burst,
        ISchedulerUpkeep upkeep,
        SchedulerSignal signal,
        EngineOptions options,
        TimeProvider timeProvider,
        ILogger<SyncScheduler> logger)
    {
        _runs = runs;
        _wakeups = wakeups;
        _burst = burst;
        _upkeep = upkeep;
        _signal = signal;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>One tick: queues every due schedule, in batches. Returns how many schedules were processed.</summary>
    /// <remarks>
    /// A tick whose first batch is full has a backlog (an outage, a mass start): this process's worker holds its
    /// claims until the tick ends (<see cref="SchedulerBurst"/>), so the batches do not queue behind them; once the
    /// backlog is queued and the worker released, the database is tidied (<see cref="ISchedulerUpkeep"/>) so the idle
    /// ticks after the burst stay cheap.
    /// </remarks>
    public Task<int> TickAsync(CancellationToken cancellationToken) => TickAsync(wokenByStart: false, cancellationToken);

    /// <summary>
    /// One tick, told whether it was woken by started schedules (<see cref="SchedulerSignal"/>) rather than by its
    /// interval.
    /// </summary>
    /// <remarks>
    /// A mass start on PostgreSQL commits in chunks and pokes the schedulers after each one. The scheduler's batches
    /// queue a chunk faster than the start commits the next, so a backlog tick woken by a start catches up with it:
    /// its batch comes back short while more schedules are still being started. Ending the tick there released the
    /// worker into the burst, ran the after-burst <c>VACUUM</c> of <c>syncs</c> in the middle of it, and left the
    /// rest for the next tick interval (B10 on PostgreSQL: a 1.3 s gap after the first chunk of 5,000). Instead such a
    /// tick waits for the next chunk's poke, at most <see cref="SchedulerBurst.NextChunkWait"/>, and goes on with the
    /// worker still held (within <see cref="SchedulerBurst.MaxHold"/>); with no poke in that time it ends as before.
    /// A tick of the interval (an outage found by the clock) never waits: nothing is being started.
    /// </remarks>
    public async Task<int> TickAsync(bool wokenByStart, CancellationToken cancellationToken)
    {
        var total = 0;
        var backlog = false;
        try
        {
            while (true)
            {
                var processed = await _runs.EnqueueDueAsync(Micros.Now(_timeProvider), _options.SchedulerBatchSize, cancellationToken);
                total += processed;
                if (processed < _options.SchedulerBatchSize)
                {
                    if (processed > 0)
                    {
                        await _wakeups.WakeAsync(cancellationToken);
                    }

                    if (backlog && wokenByStart && await _signal.WaitAsync(SchedulerBurst.NextChunkWait, _timeProvider, cancellationToken))
                    {
                        // The start committed another chunk: queue it within this burst.
                        continue;
                    }

                    break;
                }

                backlog = true;
                _burst.Begin();
                await _wakeups.WakeAsync(cancellationToken);
            }
        }
        finally
        {
            _burst.End();
        }

        if (backlog)
        {
            await AfterBurstAsync(cancellationToken);
        }

        return total;
    }

    private async Task AfterBurstAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _upkeep.AfterBurstAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The runs are queued; a skipped tidy-up only costs idle ticks until the database's own maintenance.
            _logger.LogWarning(ex, "Tidying the schedules after a burst failed; the burst's runs are queued.");
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        // The next tick comes an interval after this one ended, or at once when schedules are started. Each tick
        // reads what is due now, so a poke during a tick costs one extra (usually empty) tick, never a missed one.
        var wokenByStart = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(wokenByStart, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Scheduler tick failed; the next tick retries.");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                wokenByStart = await _signal.WaitAsync(_options.SchedulerInterval, _timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
