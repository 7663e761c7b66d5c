using Microsoft.Extensions.Hosting;

namespace Tributary.Core.Engine;

/// <summary>Runs the scheduler, the reaper and the worker of this process for the host's lifetime.</summary>
public sealed class EngineHostedService : BackgroundService
{
    private readonly SyncScheduler _scheduler;
    private readonly LeaseReaper _reaper;
    private readonly SyncWorker _worker;
    private readonly EngineOptions _options;

    public EngineHostedService(SyncScheduler scheduler, LeaseReaper reaper, SyncWorker worker, EngineOptions options)
    {
        _scheduler = scheduler;
        _reaper = reaper;
        _worker = worker;
        _options = options;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new List<Task>();
        if (_options.RunScheduler)
        {
            loops.Add(Task.Run(() => _scheduler.RunAsync(stoppingToken), CancellationToken.None));
        }

        if (_options.RunWorkers)
        {
            loops.Add(Task.Run(() => _reaper.RunAsync(stoppingToken), CancellationToken.None));
            loops.Add(Task.Run(() => _worker.RunAsync(stoppingToken), CancellationToken.None));
        }

        return Task.WhenAll(loops);
    }
}
