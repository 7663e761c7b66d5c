using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Records;

/// <summary>Prunes the payloads of records not modified for <see cref="RecordsRetentionOptions.PruneAfter"/>
/// every <see cref="RecordsRetentionOptions.Interval"/> while the host runs (a no-op when off).</summary>
public sealed class RecordsRetention(IRecordStore records, RecordsRetentionOptions options, TimeProvider timeProvider, ILogger<RecordsRetention> logger)
    : AgeRetentionPass(new AgeRetention("Records retention", options.PruneAfter, options.Interval, options.BatchSize, MaxBatchesPerPass: int.MaxValue), timeProvider, logger)
{
    protected override Task<int> DeleteBatchAsync(long beforeMicros, int size, CancellationToken cancellationToken) =>
        records.PruneStaleAsync(beforeMicros, size, Micros.Now(TimeProvider), cancellationToken);

    protected override void LogDone(long count) =>
        Logger.LogInformation("Retention pruned the payloads of {Count} records not modified for {Age}.", count, MaxAge);
}
