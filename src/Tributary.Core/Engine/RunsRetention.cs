using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Deletes finished runs older than <see cref="RunsRetentionOptions.KeepFor"/> every interval, so the runs table
/// (and every statement that reads it) stops growing with the age of the installation.
/// </summary>
public sealed class RunsRetention : PeriodicPass
{
    /// <summary>A pass stops after this many batches; the next tick goes on (bounds one pass's time).</summary>
    private const int MaxBatchesPerPass = 1_000;

    private readonly IRunHistoryStore _runs;
    private readonly RunsRetentionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RunsRetention> _logger;

    public RunsRetention(IRunHistoryStore runs, RunsRetentionOptions options, TimeProvider timeProvider, ILogger<RunsRetention> logger)
        : base(timeProvider, logger)
    {
        _runs = runs;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    protected override bool IsEnabled => _options.KeepFor is not null;

    protected override TimeSpan Interval => _options.Interval;

    protected override string Name => "Runs retention";

    /// <summary>Deletes every expired run now, in batches; returns how many were deleted.</summary>
    public override Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_options.KeepFor is not { } keep)
        {
            return Task.FromResult(0L);
        }

        var before = Micros.From(_timeProvider.GetUtcNow() - keep);
        return InBatchesAsync((size, ct) => _runs.DeleteFinishedRunsAsync(before, size, ct), _options.BatchSize, MaxBatchesPerPass, cancellationToken);
    }

    protected override void LogDone(long count) =>
        _logger.LogInformation("Runs retention deleted {Count} runs finished more than {Age} ago.", count, _options.KeepFor);
}
