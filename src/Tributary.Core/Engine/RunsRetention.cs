using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Deletes finished runs older than <see cref="RunsRetentionOptions.KeepFor"/> every interval, so the runs table
/// (and every statement that reads it) stops growing with the age of the installation.
/// </summary>
public sealed class RunsRetention : BackgroundService
{
    /// <summary>A pass stops after this many batches; the next tick goes on (bounds one pass's time).</summary>
    private const int MaxBatchesPerPass = 1_000;

    private readonly IRunHistoryStore _runs;
    private readonly RunsRetentionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RunsRetention> _logger;

    public RunsRetention(IRunHistoryStore runs, RunsRetentionOptions options, TimeProvider timeProvider, ILogger<RunsRetention> logger)
    {
        _runs = runs;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Deletes every expired run now, in batches; returns how many were deleted.</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_options.KeepFor is not { } keep)
        {
            return 0;
        }

        var before = Micros.From(_timeProvider.GetUtcNow() - keep);
        long total = 0;
        for (var batch = 0; batch < MaxBatchesPerPass; batch++)
        {
            var deleted = await _runs.DeleteFinishedRunsAsync(before, _options.BatchSize, cancellationToken);
            total += deleted;
            if (deleted < _options.BatchSize)
            {
                break;
            }
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.KeepFor is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.Interval, _timeProvider);
        do
        {
            try
            {
                var deleted = await RunOnceAsync(stoppingToken);
                if (deleted > 0)
                {
                    _logger.LogInformation("Runs retention deleted {Count} runs finished more than {Age} ago.", deleted, _options.KeepFor);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick retries; a failed pass deletes nothing half-way (each batch is one transaction).
                _logger.LogWarning(ex, "Runs retention failed; retrying at the next interval.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
