using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;

namespace Tributary.Core.Engine;

/// <summary>
/// A periodic pass that deletes (or prunes) rows older than a configured age, in bounded batches: runs, run log
/// lines and record payloads share this flow and differ only in what one batch deletes and what the log says.
/// </summary>
public abstract class AgeRetentionPass : PeriodicPass
{
    private readonly AgeRetention _retention;

    protected AgeRetentionPass(AgeRetention retention, TimeProvider timeProvider, ILogger logger)
        : base(timeProvider, logger)
    {
        ArgumentNullException.ThrowIfNull(retention);
        _retention = retention;
        TimeProvider = timeProvider;
    }

    protected TimeProvider TimeProvider { get; }

    /// <summary>Rows older than this go (for what <see cref="PeriodicPass.LogDone"/> says).</summary>
    protected TimeSpan? MaxAge => _retention.MaxAge;

    protected sealed override string Name => _retention.Name;

    protected sealed override bool IsEnabled => _retention.MaxAge is not null;

    protected sealed override TimeSpan Interval => _retention.Interval;

    /// <summary>Handles up to <paramref name="size"/> rows older than <paramref name="beforeMicros"/> in one
    /// transaction; returns how many it handled.</summary>
    protected abstract Task<int> DeleteBatchAsync(long beforeMicros, int size, CancellationToken cancellationToken);

    /// <summary>Handles every expired row now, in batches; returns how many were handled.</summary>
    public sealed override Task<long> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (_retention.MaxAge is not { } age)
        {
            return Task.FromResult(0L);
        }

        var before = Micros.From(TimeProvider.GetUtcNow() - age);
        return InBatchesAsync((size, ct) => DeleteBatchAsync(before, size, ct), _retention.BatchSize, _retention.MaxBatchesPerPass, cancellationToken);
    }
}

/// <summary>What an <see cref="AgeRetentionPass"/> deletes and how fast.</summary>
/// <param name="Name">The pass's name in log lines.</param>
/// <param name="MaxAge">Rows older than this go; null turns the pass off.</param>
/// <param name="Interval">Time between passes.</param>
/// <param name="BatchSize">Rows per batch (one transaction each).</param>
/// <param name="MaxBatchesPerPass">A pass stops after this many batches and the next tick goes on, so one pass's
/// time is bounded.</param>
public sealed record AgeRetention(string Name, TimeSpan? MaxAge, TimeSpan Interval, int BatchSize, int MaxBatchesPerPass);
