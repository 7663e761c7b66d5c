using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Tributary.Core.Engine;

/// <summary>
/// A maintenance pass (records retention, runs retention) that runs when the host starts and then every
/// <see cref="Interval"/>; a failed pass is logged and retried at the next tick. Each pass works in bounded batches,
/// each batch its own transaction, so a failure half-way loses nothing.
/// </summary>
public abstract class PeriodicPass : BackgroundService
{
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    protected PeriodicPass(TimeProvider timeProvider, ILogger logger)
    {
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The pass's logger, for what <see cref="LogDone"/> says.</summary>
    protected ILogger Logger => _logger;

    /// <summary>False when the pass is turned off: the service then does nothing at all.</summary>
    protected abstract bool IsEnabled { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>The pass's name in log lines, e.g. "Runs retention".</summary>
    protected abstract string Name { get; }

    /// <summary>Does the whole pass now; returns how many rows it changed.</summary>
    public abstract Task<long> RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>Says what a pass that changed <paramref name="count"/> rows did.</summary>
    protected abstract void LogDone(long count);

    /// <summary>
    /// Calls <paramref name="batch"/> until it handles fewer than <paramref name="batchSize"/> rows or
    /// <paramref name="maxBatches"/> were run (the next tick goes on); returns the rows handled.
    /// </summary>
    protected static async Task<long> InBatchesAsync(Func<int, CancellationToken, Task<int>> batch, int batchSize, int maxBatches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long total = 0;
        for (var i = 0; i < maxBatches; i++)
        {
            var handled = await batch(batchSize, cancellationToken);
            total += handled;
            if (handled < batchSize)
            {
                break;
            }
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, _timeProvider);
        do
        {
            try
            {
                var count = await RunOnceAsync(stoppingToken);
                if (count > 0)
                {
                    LogDone(count);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "{Pass} failed; retrying at the next interval.", Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
