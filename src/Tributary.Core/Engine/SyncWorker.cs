using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Claims queued runs into free slots and executes them. Woken at once by <see cref="WorkSignal"/> (a trigger in
/// this process, a finished run freeing a slot); otherwise polls at <see cref="EngineOptions.PollInterval"/>.
/// </summary>
public sealed class SyncWorker
{
    private readonly IRunQueueStore _runs;
    private readonly RunExecutor _executor;
    private readonly WorkSignal _signal;
    private readonly SchedulerBurst _burst;
    private readonly EngineOptions _options;
    private readonly WorkerRest _rest;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SyncWorker> _logger;
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly HashSet<Task> _running = [];
    private readonly object _gate = new();

    public SyncWorker(IRunQueueStore runs, RunExecutor executor, WorkSignal signal, SchedulerBurst burst, EngineOptions options, WorkerRest rest, TimeProvider timeProvider, ILogger<SyncWorker> logger)
    {
        _rest = rest;
        _runs = runs;
        _executor = executor;
        _signal = signal;
        _burst = burst;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running.Count;
            }
        }
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var runsStopping = new CancellationTokenSource();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // While this process's scheduler queues a backlog, its batches go first (bounded; see SchedulerBurst).
                await _burst.WaitAsync(stoppingToken);
                var free = _options.WorkerSlots - RunningCount;
                var claimedAll = false;
                var claimedCount = 0;
                if (free > 0)
                {
                    try
                    {
                        var leaseMicros = Micros.From(DateTimeOffset.UnixEpoch + _options.LeaseDuration);
                        var claimed = await _runs.ClaimAsync(_owner, free, Micros.Now(_timeProvider), leaseMicros, stoppingToken);
                        foreach (var run in claimed)
                        {
                            Start(run, runsStopping.Token);
                        }

                        claimedCount = claimed.Count;
                        claimedAll = claimed.Count == free;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        _logger.LogWarning(ex, "Claiming runs failed; retrying after the poll interval.");
                    }
                }

                // Gone quiet after work: the memory the work grew goes back (bounded, see WorkerRest).
                _rest.Observe(claimedCount, RunningCount);
                if (!claimedAll)
                {
                    await _signal.WaitAsync(_options.PollInterval, _timeProvider, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await DrainAsync(runsStopping);
    }

    private void Start(Tributary.Core.Ports.ClaimedRun run, CancellationToken runsStopping)
    {
        var task = Task.Run(() => _executor.ExecuteAsync(run, runsStopping), CancellationToken.None);
        lock (_gate)
        {
            _running.Add(task);
        }

        task.ContinueWith(
            finished =>
            {
                lock (_gate)
                {
                    _running.Remove(finished);
                }

                _signal.Notify();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Lets running syncs finish within the grace period, then cancels them: each hands its run back to the queue
    /// (attempt unused) before this returns, so another process resumes it from its checkpoint at once.
    /// </summary>
    private async Task DrainAsync(CancellationTokenSource runsStopping)
    {
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        if (running.Length == 0)
        {
            return;
        }

        _logger.LogInformation(
            "Stopping: {Count} runs in progress get {Grace} s to finish, then go back to the queue.",
            running.Length,
            _options.ShutdownGrace.TotalSeconds);
        var all = Task.WhenAll(running);
        var finished = await Task.WhenAny(all, Task.Delay(_options.ShutdownGrace, _timeProvider, CancellationToken.None));
        if (finished != all)
        {
            await runsStopping.CancelAsync();
            await all;
        }

        _logger.LogInformation("Stopped: no run of this worker is in progress.");
    }
}
