namespace Tributary.Core.Ports;

/// <summary>The queue as the metrics gauges read it at scrape time.</summary>
public interface IQueueStatsStore
{
    /// <summary>Queued and running runs of every environment, and when the oldest queued run was queued.</summary>
    Task<QueueStats> GetAsync(CancellationToken cancellationToken);
}

/// <param name="Queued">Runs waiting for a worker.</param>
/// <param name="Running">Runs a worker holds.</param>
/// <param name="OldestQueuedAt">Unix microseconds; null when nothing is queued.</param>
public sealed record QueueStats(long Queued, long Running, long? OldestQueuedAt);
