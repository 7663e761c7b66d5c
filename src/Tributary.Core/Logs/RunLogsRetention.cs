using Microsoft.Extensions.Logging;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Logs;

/// <summary>Deletes run log lines older than <see cref="RunLogOptions.KeepFor"/> every interval, in bounded batches.</summary>
/// <remarks>Lines of runs deleted by runs retention (or with their connection) go the same way, by age.</remarks>
public sealed class RunLogsRetention(IRunLogStore logs, RunLogOptions options, TimeProvider timeProvider, ILogger<RunLogsRetention> logger)
    : AgeRetentionPass(new AgeRetention("Run logs retention", options.KeepFor, options.Interval, options.BatchSize, MaxBatchesPerPass: 1_000), timeProvider, logger)
{
    protected override Task<int> DeleteBatchAsync(long beforeMicros, int size, CancellationToken cancellationToken) =>
        logs.DeleteOlderThanAsync(beforeMicros, size, cancellationToken);

    protected override void LogDone(long count) =>
        Logger.LogInformation("Run logs retention deleted {Count} lines older than {Age}.", count, MaxAge);
}
