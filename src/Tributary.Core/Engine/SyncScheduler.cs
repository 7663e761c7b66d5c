using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Turns due schedules into queued runs, a bounded batch per transaction, on a fixed tick. After an outage all
/// due schedules fire once (missed slots are skipped, never replayed).
/// </summary>
public sealed class SyncScheduler
{
    private readonly IRunQueueStore _runs;
    private readonly RunWakeups _wakeups;
    private readonly EngineOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SyncScheduler> _logger;

    public SyncScheduler(IRunQueueStore runs, RunWakeups wakeups, EngineOptions options, TimeProvider timeProvider, ILogger<SyncScheduler> logger)
    {
        _runs = runs;
        _wakeups = wakeups;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>One tick: queues every due schedule, in batches. Returns how many schedules were processed.</summary>
    public async Task<int> TickAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var processed = await _runs.EnqueueDueAsync(Micros.Now(_timeProvider), _options.SchedulerBatchSize, cancellationToken);
            total += processed;
            if (processed > 0)
            {
                await _wakeups.WakeAsync(cancellationToken);
            }

            if (processed < _options.SchedulerBatchSize)
            {
                return total;
            }
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SchedulerInterval, _timeProvider);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Scheduler tick failed; the next tick retries.");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
