using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>Re-queues runs whose lease expired (their worker crashed or stalled); they resume from their checkpoint.</summary>
public sealed class LeaseReaper
{
    private readonly IRunQueueStore _runs;
    private readonly RunWakeups _wakeups;
    private readonly EngineOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LeaseReaper> _logger;

    public LeaseReaper(IRunQueueStore runs, RunWakeups wakeups, EngineOptions options, TimeProvider timeProvider, ILogger<LeaseReaper> logger)
    {
        _runs = runs;
        _wakeups = wakeups;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<IReadOnlyList<long>> ReapAsync(CancellationToken cancellationToken)
    {
        var requeued = await _runs.ReapExpiredAsync(Micros.Now(_timeProvider), 1000, cancellationToken);
        if (requeued.Count > 0)
        {
            _logger.LogWarning("Re-queued {Count} runs whose lease expired: {RunIds}.", requeued.Count, string.Join(", ", requeued));
            await _wakeups.WakeAsync(cancellationToken);
        }

        return requeued;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.ReaperInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReapAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _logger.LogWarning(ex, "Reaping expired leases failed; the next tick retries.");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
