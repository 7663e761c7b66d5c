using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Records;

/// <summary>Prunes the payloads of records not modified for <see cref="RecordsRetentionOptions.PruneAfter"/>
/// every <see cref="RecordsRetentionOptions.Interval"/> while the host runs (a no-op when off).</summary>
public sealed class RecordsRetention : AgeRetentionPass
{
    private readonly IRecordStore _records;
    private readonly RecordsRetentionOptions _options;
    private readonly ILogger<RecordsRetention> _logger;

    public RecordsRetention(IRecordStore records, RecordsRetentionOptions options, TimeProvider timeProvider, ILogger<RecordsRetention> logger)
        : base(options.PruneAfter, options.Interval, options.BatchSize, maxBatchesPerPass: int.MaxValue, timeProvider, logger)
    {
        _records = records;
        _options = options;
        _logger = logger;
    }

    protected override string Name => "Records retention";

    protected override Task<int> DeleteBatchAsync(long beforeMicros, int size, CancellationToken cancellationToken) =>
        _records.PruneStaleAsync(beforeMicros, size, Micros.Now(TimeProvider), cancellationToken);

    protected override void LogDone(long count) =>
        _logger.LogInformation("Retention pruned the payloads of {Count} records not modified for {Age}.", count, _options.PruneAfter);
}
