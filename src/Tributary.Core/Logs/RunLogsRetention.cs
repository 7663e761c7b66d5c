using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;

namespace Tributary.Core.Logs;

/// <summary>Deletes run log lines older than <see cref="RunLogOptions.KeepFor"/> every interval, in bounded batches.</summary>
/// <remarks>Lines of runs deleted by runs retention (or with their connection) go the same way, by age.</remarks>
public sealed class RunLogsRetention : PeriodicPass
{
    private const int MaxBatchesPerPass = 1_000;

    private readonly IRunLogStore _logs;
    private readonly RunLogOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RunLogsRetention> _logger;

    public RunLogsRetention(IRunLogStore logs, RunLogOptions options, TimeProvider timeProvider, ILogger<RunLogsRetention> logger)
        : base(timeProvider, logger)
    {
        _logs = logs;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    protected override bool IsEnabled => _options.KeepFor is not null;

    protected override TimeSpan Interval => _options.Interval;

    protected override string Name => "Run logs retention";

    public override Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_options.KeepFor is not { } keep)
        {
            return Task.FromResult(0L);
        }

        var before = Micros.From(_timeProvider.GetUtcNow() - keep);
        return InBatchesAsync((size, ct) => _logs.DeleteOlderThanAsync(before, size, ct), _options.BatchSize, MaxBatchesPerPass, cancellationToken);
    }

    protected override void LogDone(long count) =>
        _logger.LogInformation("Run logs retention deleted {Count} lines older than {Age}.", count, _options.KeepFor);
}
