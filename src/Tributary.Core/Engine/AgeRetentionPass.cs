using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;

namespace Tributary.Core.Engine;

/// <summary>
/// A periodic pass that deletes (or prunes) rows older than a configured age, in bounded batches: runs, run log
/// lines and record payloads share this flow and differ only in what one batch deletes and what the log says.
/// </summary>
public abstract class AgeRetentionPass : PeriodicPass
{
    private readonly TimeSpan? _maxAge;
    private readonly TimeSpan _interval;
    private readonly int _batchSize;
    private readonly int _maxBatchesPerPass;

    /// <param name="maxAge">Rows older than this go; null turns the pass off.</param>
    /// <param name="maxBatchesPerPass">A pass stops after this many batches and the next tick goes on, so one
    /// pass's time is bounded.</param>
    protected AgeRetentionPass(TimeSpan? maxAge, TimeSpan interval, int batchSize, int maxBatchesPerPass, TimeProvider timeProvider, ILogger logger)
        : base(timeProvider, logger)
    {
        _maxAge = maxAge;
        _interval = interval;
        _batchSize = batchSize;
        _maxBatchesPerPass = maxBatchesPerPass;
        TimeProvider = timeProvider;
    }

    protected TimeProvider TimeProvider { get; }

    protected sealed override bool IsEnabled => _maxAge is not null;

    protected sealed override TimeSpan Interval => _interval;

    /// <summary>Handles up to <paramref name="size"/> rows older than <paramref name="beforeMicros"/> in one
    /// transaction; returns how many it handled.</summary>
    protected abstract Task<int> DeleteBatchAsync(long beforeMicros, int size, CancellationToken cancellationToken);

    /// <summary>Handles every expired row now, in batches; returns how many were handled.</summary>
    public sealed override Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_maxAge is not { } age)
        {
            return Task.FromResult(0L);
        }

        var before = Micros.From(TimeProvider.GetUtcNow() - age);
        return InBatchesAsync((size, ct) => DeleteBatchAsync(before, size, ct), _batchSize, _maxBatchesPerPass, cancellationToken);
    }
}
