using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Records;

/// <summary>Runs retention every <see cref="RecordsRetentionOptions.Interval"/> while the host runs (a no-op when off).</summary>
public sealed class RecordsRetention : PeriodicPass
{
    private readonly IRecordStore _records;
    private readonly RecordsRetentionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RecordsRetention> _logger;

    public RecordsRetention(IRecordStore records, RecordsRetentionOptions options, TimeProvider timeProvider, ILogger<RecordsRetention> logger)
        : base(timeProvider, logger)
    {
        _records = records;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    protected override bool IsEnabled => _options.PruneAfter is not null;

    protected override TimeSpan Interval => _options.Interval;

    protected override string Name => "Records retention";

    /// <summary>Prunes every stale payload now, in batches; returns how many were pruned.</summary>
    public override Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_options.PruneAfter is not { } age)
        {
            return Task.FromResult(0L);
        }

        var now = Micros.Now(_timeProvider);
        var before = Micros.From(_timeProvider.GetUtcNow() - age);
        return InBatchesAsync((size, ct) => _records.PruneStaleAsync(before, size, now, ct), _options.BatchSize, int.MaxValue, cancellationToken);
    }

    protected override void LogDone(long count) =>
        _logger.LogInformation("Retention pruned the payloads of {Count} records not modified for {Age}.", count, _options.PruneAfter);
}
