using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;
using Tributary.Core.Telemetry;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Sends the outbox's deliveries from every process that runs workers: claims due deliveries under a lease (the
/// database's clock where hosts share it, as for runs), sends up to <see cref="WebhookOptions.Concurrency"/> at once,
/// and records each attempt — delivered, retried later with exponential backoff and jitter, or dead once the retry
/// window has passed or the receiver refused the body.
/// </summary>
/// <remarks>
/// At least once: a process that dies after the POST but before recording it leaves the lease to expire, and the
/// delivery is sent again. Receivers tell repeats apart by <c>tributaryRunId</c> and the model.
/// </remarks>
public sealed class WebhookDeliveryWorker : BackgroundService
{
    private readonly IWebhookDeliveryStore _deliveries;
    private readonly WebhookSigningKeys _keys;
    private readonly WebhookSender _sender;
    private readonly WebhookSignal _signal;
    private readonly WebhookOptions _options;
    private readonly EngineOptions _engine;
    private readonly TimeProvider _timeProvider;
    private readonly OrphanedDeliveries _orphans;
    private readonly TributaryMetrics _metrics;
    private readonly ILogger<WebhookDeliveryWorker> _logger;
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private readonly HashSet<Task> _sending = [];
    private readonly object _gate = new();

    public WebhookDeliveryWorker(
        IWebhookDeliveryStore deliveries,
        WebhookSigningKeys keys,
        WebhookSender sender,
        WebhookSignal signal,
        WebhookOptions options,
        EngineOptions engine,
        TimeProvider timeProvider,
        OrphanedDeliveries orphans,
        TributaryMetrics metrics,
        ILogger<WebhookDeliveryWorker> logger)
    {
        _deliveries = deliveries;
        _keys = keys;
        _sender = sender;
        _signal = signal;
        _options = options;
        _engine = engine;
        _timeProvider = timeProvider;
        _orphans = orphans;
        _metrics = metrics;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Deliveries go where runs are executed: an API-only process sends none.
        if (!_engine.RunWorkers)
        {
            return;
        }

        await Task.Yield();

        // Before the first claim: a dead predecessor's deliveries go now, not after their lease.
        try
        {
            await _orphans.RecoverAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "Looking for webhook deliveries of dead processes failed; they are sent when their lease expires.");
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var free = _options.Concurrency - SendingCount;
                var claimedAll = false;
                if (free > 0)
                {
                    try
                    {
                        var leaseMicros = Micros.From(DateTimeOffset.UnixEpoch + _options.LeaseDuration);
                        var claimed = await _deliveries.ClaimAsync(_owner, free, Micros.Now(_timeProvider), leaseMicros, stoppingToken);
                        foreach (var delivery in claimed)
                        {
                            Start(delivery, stoppingToken);
                        }

                        claimedAll = claimed.Count == free;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        _logger.LogWarning(ex, "Claiming webhook deliveries failed; retrying after the poll interval.");
                    }
                }

                if (!claimedAll)
                {
                    await _signal.WaitAsync(_options.PollInterval, _timeProvider, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: deliveries in flight record themselves below.
        }

        Task[] sending;
        lock (_gate)
        {
            sending = [.. _sending];
        }

        await Task.WhenAll(sending);
    }

    private int SendingCount
    {
        get
        {
            lock (_gate)
            {
                return _sending.Count;
            }
        }
    }

    private void Start(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        var task = Task.Run(() => DeliverAsync(delivery, stoppingToken), CancellationToken.None);
        lock (_gate)
        {
            _sending.Add(task);
        }

        task.ContinueWith(
            finished =>
            {
                lock (_gate)
                {
                    _sending.Remove(finished);
                }

                _signal.Notify();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task DeliverAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            var key = await _keys.GetCachedAsync(delivery.EnvironmentId, stoppingToken);
            var result = await _sender.SendAsync(delivery.Url, delivery.Body, key, stoppingToken);
            await RecordAsync(delivery, result);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-send: due again now, for this process after a restart or for another one.
            await RecordAsync(delivery, new SendResult(SendOutcome.Retry, null, "Interrupted by a shutdown."), retryNow: true);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Webhook delivery {Id} failed before it was sent.", delivery.Lease.Id);
            await RecordAsync(delivery, new SendResult(SendOutcome.Retry, null, $"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    private async Task RecordAsync(ClaimedDelivery delivery, SendResult result, bool retryNow = false)
    {
        var now = Micros.Now(_timeProvider);
        try
        {
            if (result.Outcome == SendOutcome.Delivered)
            {
                if (await _deliveries.MarkDeliveredAsync(delivery.Lease, result.Status ?? 0, now, CancellationToken.None))
                {
                    _metrics.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("result", "delivered"));

                    // From the commit (or the manual retry) that made it due to the answer that delivered it.
                    _metrics.WebhookLatency.Record(Math.Max(0, now - delivery.WindowStartedAt) / 1_000_000.0);
                }

                return;
            }

            long? next = null;
            if (result.Outcome == SendOutcome.Retry)
            {
                var delay = retryNow ? TimeSpan.Zero : Backoff.Delay(delivery.Lease.Attempt, _options.FirstRetry, _options.MaxRetryDelay);
                var candidate = now + Micros.From(DateTimeOffset.UnixEpoch + delay);
                var windowEnds = delivery.WindowStartedAt + Micros.From(DateTimeOffset.UnixEpoch + _options.RetryFor);
                next = candidate <= windowEnds ? candidate : null;
            }

            var recorded = await _deliveries.MarkFailedAsync(delivery.Lease, result.Status, result.Error ?? "failed", next, CancellationToken.None);
            if (recorded)
            {
                _metrics.WebhookFailures.Add(1);
                _metrics.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("result", next is null ? "dead" : "failed"));
            }

            if (next is null)
            {
                _logger.LogWarning("Webhook delivery {Id} is dead after {Attempts} attempts: {Error}", delivery.Lease.Id, delivery.Lease.Attempt, result.Error);
            }
        }
        catch (Exception ex)
        {
            // Not recorded: the lease expires and the delivery is attempted again.
            _logger.LogWarning(ex, "Recording webhook delivery {Id} failed; it is attempted again when its lease expires.", delivery.Lease.Id);
        }
    }
}
