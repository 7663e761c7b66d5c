using Microsoft.Extensions.Logging;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Deletes finished runs older than <see cref="RunsRetentionOptions.KeepFor"/> every interval, so the runs table
/// (and every statement that reads it) stops growing with the age of the installation.
/// </summary>
public sealed class RunsRetention : AgeRetentionPass
{
    private readonly IRunHistoryStore _runs;
    private readonly RunsRetentionOptions _options;
    private readonly ILogger<RunsRetention> _logger;

    public RunsRetention(IRunHistoryStore runs, RunsRetentionOptions options, TimeProvider timeProvider, ILogger<RunsRetention> logger)
        : base(options.KeepFor, options.Interval, options.BatchSize, maxBatchesPerPass: 1_000, timeProvider, logger)
    {
        _runs = runs;
        _options = options;
        _logger = logger;
    }

    protected override string Name => "Runs retention";

    protected override Task<int> DeleteBatchAsync(long beforeMicros, int size, CancellationToken cancellationToken) =>
        _runs.DeleteFinishedRunsAsync(beforeMicros, size, cancellationToken);

    protected override void LogDone(long count) =>
        _logger.LogInformation("Runs retention deleted {Count} runs finished more than {Age} ago.", count, _options.KeepFor);
}
