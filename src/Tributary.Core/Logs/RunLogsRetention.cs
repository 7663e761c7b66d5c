using Microsoft.Extensions.Logging;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Logs;

/// <summary>Deletes run log lines older than <see cref="RunLogOptions.KeepFor"/> every interval, in bounded batches.</summary>
/// <remarks>Lines of runs deleted by runs retention (or with their connection) go the same way, by age.</remarks>
public sealed class RunLogsRetention : AgeRetentionPass
{
    private readonly IRunLogStore _logs;
    private readonly RunLogOptions _options;
    private readonly ILogger<RunLogsRetention> _logger;

    public RunLogsRetention(IRunLogStore logs, RunLogOptions options, TimeProvider timeProvider, ILogger<RunLogsRetention> logger)
        : base(options.KeepFor, options.Interval, options.BatchSize, maxBatchesPerPass: 1_000, timeProvider, logger)
    {
        _logs = logs;
        _options = options;
        _logger = logger;
    }

    protected override string Name => "Run logs retention";

    protected override Task<int> DeleteBatchAsync(long beforeMicros, int size, CancellationToken cancellationToken) =>
        _logs.DeleteOlderThanAsync(beforeMicros, size, cancellationToken);

    protected override void LogDone(long count) =>
        _logger.LogInformation("Run logs retention deleted {Count} lines older than {Age}.", count, _options.KeepFor);
}
