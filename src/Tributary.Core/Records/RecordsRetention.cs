using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Records;

/// <summary>Runs retention every <see cref="RecordsRetentionOptions.Interval"/> while the host runs (a no-op when off).</summary>
public sealed class RecordsRetention : BackgroundService
{
    private readonly IRecordStore _records;
    private readonly RecordsRetentionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RecordsRetention> _logger;

    public RecordsRetention(IRecordStore records, RecordsRetentionOptions options, TimeProvider timeProvider, ILogger<RecordsRetention> logger)
    {
        _records = records;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Prunes every stale payload now, in batches; returns how many were pruned.</summary>
    public async Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_options.PruneAfter is not { } age)
        {
            return 0;
        }

        var now = Micros.Now(_timeProvider);
        var before = Micros.From(_timeProvider.GetUtcNow() - age);
        long total = 0;
        int pruned;
        do
        {
            pruned = await _records.PruneStaleAsync(before, _options.BatchSize, now, cancellationToken);
            total += pruned;
        }
        while (pruned == _options.BatchSize);

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.PruneAfter is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.Interval, _timeProvider);
        do
        {
            try
            {
                var pruned = await RunOnceAsync(stoppingToken);
                if (pruned > 0)
                {
                    _logger.LogInformation("Retention pruned the payloads of {Count} records not modified for {Age}.", pruned, _options.PruneAfter);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick retries; a failed pass loses nothing.
                _logger.LogWarning(ex, "Records retention failed; retrying at the next interval.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
