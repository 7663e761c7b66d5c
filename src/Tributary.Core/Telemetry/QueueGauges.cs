using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Telemetry;

/// <summary>
/// The queue's figures for the gauges: one cheap statement per scrape at most every <see cref="CacheFor"/>, so
/// several gauges and scrapers share one read. A read that fails reports the last figures (or zeros) and is logged.
/// </summary>
internal sealed class QueueGauges
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly IQueueStatsStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private QueueStats _last = new(0, 0, null);
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public QueueGauges(IQueueStatsStore store, TimeProvider timeProvider, ILogger logger)
    {
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public QueueStats Read()
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (now - _readAt < CacheFor)
            {
                return _last;
            }

            _readAt = now;
            try
            {
                // Gauge callbacks are synchronous; the read is bounded and happens at most once per CacheFor.
                using var timeout = new CancellationTokenSource(ReadTimeout, _timeProvider);
                _last = _store.GetAsync(timeout.Token).GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Reading the queue for the metrics failed; the gauges show the last figures.");
            }

            return _last;
        }
    }

    public double OldestAgeSeconds()
    {
        var stats = Read();
        if (stats.OldestQueuedAt is not { } queuedAt)
        {
            return 0;
        }

        return Math.Max(0, (Micros.Now(_timeProvider) - queuedAt) / 1_000_000.0);
    }
}
