using Microsoft.Extensions.Logging;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Deletes finished runs older than <see cref="RunsRetentionOptions.KeepFor"/> every interval, so the runs table
/// (and every statement that reads it) stops growing with the age of the installation.
/// </summary>
public sealed class RunsRetention(IRunHistoryStore runs, RunsRetentionOptions options, TimeProvider timeProvider, ILogger<RunsRetention> logger)
    : AgeRetentionPass(new AgeRetention("Runs retention", options.KeepFor, options.Interval, options.BatchSize, MaxBatchesPerPass: 1_000), timeProvider, logger)
{
    protected override Task<int> DeleteBatchAsync(long beforeMicros, int size, CancellationToken cancellationToken) =>
        runs.DeleteFinishedRunsAsync(beforeMicros, size, cancellationToken);

    protected override void LogDone(long count) =>
        Logger.LogInformation("Runs retention deleted {Count} runs finished more than {Age} ago.", count, MaxAge);
}
