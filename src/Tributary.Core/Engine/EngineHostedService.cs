using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tributary.Core.Engine;

/// <summary>Runs the scheduler, the reaper and the worker of this process for the host's lifetime.</summary>
public sealed class EngineHostedService : BackgroundService
{
    private readonly SyncScheduler _scheduler;
    private readonly LeaseReaper _reaper;
    private readonly SyncWorker _worker;
    private readonly OrphanedLeases _orphans;
    private readonly EngineOptions _options;
    private readonly ILogger<EngineHostedService> _logger;

    public EngineHostedService(
        SyncScheduler scheduler,
        LeaseReaper reaper,
        SyncWorker worker,
        OrphanedLeases orphans,
        EngineOptions options,
        ILogger<EngineHostedService> logger)
    {
        _scheduler = scheduler;
        _reaper = reaper;
        _worker = worker;
        _orphans = orphans;
        _options = options;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new List<Task>();
        if (_options.RunScheduler)
        {
            loops.Add(Task.Run(() => _scheduler.RunAsync(stoppingToken), CancellationToken.None));
        }

        if (_options.RunWorkers)
        {
            // Before the first claim: a predecessor's runs come back now, not after its lease.
            try
            {
                await _orphans.RecoverAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Looking for runs of dead processes failed; the reaper takes them when their lease expires.");
            }

            loops.Add(Task.Run(() => _reaper.RunAsync(stoppingToken), CancellationToken.None));
            loops.Add(Task.Run(() => _worker.RunAsync(stoppingToken), CancellationToken.None));
        }

        await Task.WhenAll(loops);
    }
}
