using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Engine;
using Tributary.Core.Ports;
using Tributary.Core.Telemetry;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Sends the outbox's deliveries from every process that runs workers, as a pipeline: one loop claims due
/// deliveries in batches of up to <see cref="WebhookOptions.ClaimBatch"/> with one statement each (under a lease, on
/// the database's clock where hosts share it, as for runs; each going on after the last full one, see
/// <see cref="DeliveryClaimCursor"/>); <see cref="WebhookOptions.Concurrency"/> senders post them
/// in parallel; one recorder writes the answers back, every delivered one of a batch in one statement — delivered,
/// retried later with exponential backoff and jitter, or dead once the retry window has passed or the receiver
/// refused the body.
/// </summary>
/// <remarks>
/// The claim loop keeps <see cref="RunwayBatches"/> batches queued ahead of the senders, whatever the recorder has
/// still to write: the senders never wait for a claim or a record. It used to claim again only once half of what it
/// held was recorded, so each batch waited for a record and then a claim, two statements in a row; on a loaded
/// database (tens of milliseconds a statement) the senders stood idle between batches and delivered at a tenth of
/// the receiver's rate. Claimed and not yet recorded stays bounded (<see cref="MaxOutstandingBatches"/>) in case
/// the recorder cannot write.
/// </remarks>
/// <remarks>
/// At least once: a process that dies after the POST but before recording it leaves the lease to expire, and the
/// delivery is sent again. Receivers tell repeats apart by <c>tributaryRunId</c> and the model. Per-connection order
/// holds with parallel senders because a claim only takes the oldest pending delivery of each connection and URL:
/// two deliveries of one connection are never in flight at once. A claimed delivery that waited so long behind slow
/// receivers that its lease could expire during its POST is handed back unsent (its attempt is not counted).
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
    private readonly Channel<Queued> _toSend = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Channel<Answer> _answers = Channel.CreateUnbounded<Answer>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Claimed batches the senders may have waiting: enough to cover a claim statement on a busy database.</summary>
    internal const int RunwayBatches = 4;

    /// <summary>Claimed and not yet recorded, in batches, past which the loop waits for the recorder.</summary>
    internal const int MaxOutstandingBatches = 8;

    /// <summary>Claimed and not yet recorded (queued, posting, or waiting for the recorder).</summary>
    private int _outstanding;

    /// <summary>Claimed and not yet taken by a sender.</summary>
    private int _queued;

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
        // Deliveries go where runs are executed: an API-only process sends none, nor one told to send none.
        if (!_engine.RunWorkers)
        {
            return;
        }

        if (_options.Concurrency == 0)
        {
            _logger.LogInformation("Webhook delivery is off in this process ({Setting}=0): other worker processes send the webhooks it writes.", WebhookOptions.ConcurrencySetting);
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

        var senders = Enumerable.Range(0, _options.Concurrency)
            .Select(_ => Task.Run(() => SendLoopAsync(stoppingToken), CancellationToken.None))
            .ToArray();
        var recorder = Task.Run(RecordLoopAsync, CancellationToken.None);
        try
        {
            await ClaimLoopAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is queued is handed back, what is in flight records itself.
        }
        finally
        {
            _toSend.Writer.TryComplete();
            await Task.WhenAll(senders);
            _answers.Writer.TryComplete();
            await recorder;
        }
    }

    private async Task ClaimLoopAsync(CancellationToken stoppingToken)
    {
        var batch = _options.ClaimBatch;
        var cursor = new DeliveryClaimCursor(_timeProvider, _options.PollInterval);
        var poll = new IdlePoll(_options.PollInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimedAll = false;
            var foundNothing = false;
            var outstanding = Volatile.Read(ref _outstanding);
            var room = (MaxOutstandingBatches * batch) - outstanding;

            // Claim while less than the runway is queued: the next batches are ready before the senders run dry.
            if (Volatile.Read(ref _queued) < RunwayBatches * batch && room > 0)
            {
                var want = Math.Min(batch, room);
                try
                {
                    var leaseMicros = Micros.From(DateTimeOffset.UnixEpoch + _options.LeaseDuration);
                    var claimed = await _deliveries.ClaimAsync(_owner, want, Micros.Now(_timeProvider), leaseMicros, cursor.Next(), stoppingToken);
                    cursor.Claimed(claimed, want);
                    Interlocked.Add(ref _outstanding, claimed.Count);
                    Interlocked.Add(ref _queued, claimed.Count);
                    var at = _timeProvider.GetTimestamp();
                    foreach (var delivery in claimed)
                    {
                        _toSend.Writer.TryWrite(new Queued(delivery, at));
                    }

                    claimedAll = claimed.Count == want;
                    foundNothing = claimed.Count == 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    cursor.Reset();
                    _logger.LogWarning(ex, "Claiming webhook deliveries failed; retrying after the poll interval.");
                }
            }

            if (claimedAll)
            {
                poll.After(foundNothing: false, woken: false);
            }
            else
            {
                var woken = await _signal.WaitAsync(poll.Wait, _timeProvider, stoppingToken);
                poll.After(foundNothing, woken);
            }
        }
    }

    private async Task SendLoopAsync(CancellationToken stoppingToken)
    {
        var runway = RunwayBatches * _options.ClaimBatch;
        await foreach (var queued in _toSend.Reader.ReadAllAsync(CancellationToken.None))
        {
            // Below the runway now: wake the claim loop (once, at the crossing) rather than at the next record.
            if (Interlocked.Decrement(ref _queued) == runway - 1)
            {
                _signal.Notify();
            }

            var answer = stoppingToken.IsCancellationRequested || LeaseTooShortToSend(queued)
                ? new Answer(queued.Delivery, null, RetryNow: false)
                : await SendAsync(queued.Delivery, stoppingToken);
            _answers.Writer.TryWrite(answer);
        }
    }

    /// <summary>
    /// Whether the claim waited so long that its lease could run out during a POST that uses its whole timeout (with
    /// 5 s for recording): then another process may claim it while we post, and it would be sent twice at once.
    /// </summary>
    private bool LeaseTooShortToSend(Queued queued) =>
        _timeProvider.GetElapsedTime(queued.ClaimedAt) > _options.LeaseDuration - _options.Timeout - TimeSpan.FromSeconds(5);

    private async Task<Answer> SendAsync(ClaimedDelivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            var key = await _keys.GetCachedAsync(delivery.EnvironmentId, stoppingToken);
            return new Answer(delivery, await _sender.SendAsync(delivery.Url, delivery.Body, key, stoppingToken), RetryNow: false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down mid-send: due again now, for this process after a restart or for another one.
            return new Answer(delivery, new SendResult(SendOutcome.Retry, null, "Interrupted by a shutdown."), RetryNow: true);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Webhook delivery {Id} failed before it was sent.", delivery.Lease.Id);
            return new Answer(delivery, new SendResult(SendOutcome.Retry, null, $"{ex.GetType().Name}: {ex.Message}"), RetryNow: false);
        }
    }

    /// <summary>Records the answers as they come, every delivered one that is waiting in one write.</summary>
    private async Task RecordLoopAsync()
    {
        var delivered = new List<Answer>();
        var others = new List<Answer>();
        while (await _answers.Reader.WaitToReadAsync(CancellationToken.None))
        {
            delivered.Clear();
            others.Clear();
            while (delivered.Count + others.Count < _options.ClaimBatch && _answers.Reader.TryRead(out var answer))
            {
                (answer.Result?.Outcome == SendOutcome.Delivered ? delivered : others).Add(answer);
            }

            await RecordDeliveredAsync(delivered);
            foreach (var other in others)
            {
                await RecordOtherAsync(other);
            }

            Interlocked.Add(ref _outstanding, -(delivered.Count + others.Count));

            // Room to claim again, and the next delivery of each recorded connection may go now.
            _signal.Notify();
        }
    }

    private async Task RecordDeliveredAsync(List<Answer> delivered)
    {
        if (delivered.Count == 0)
        {
            return;
        }

        var now = Micros.Now(_timeProvider);
        try
        {
            var attempts = delivered.Select(a => new DeliveredAttempt(a.Delivery.Lease, a.Result!.Status ?? 0)).ToList();
            var recorded = (await _deliveries.MarkDeliveredManyAsync(attempts, now, CancellationToken.None)).ToHashSet();
            foreach (var answer in delivered)
            {
                if (recorded.Contains(answer.Delivery.Lease.Id))
                {
                    _metrics.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("result", "delivered"));

                    // From the commit (or the manual retry) that made it due to the answer that delivered it.
                    _metrics.WebhookLatency.Record(Math.Max(0, now - answer.Delivery.WindowStartedAt) / 1_000_000.0);
                }
            }
        }
        catch (Exception ex)
        {
            // Not recorded: the leases expire and the deliveries are attempted again.
            _logger.LogWarning(ex, "Recording {Count} delivered webhooks failed; they are attempted again when their lease expires.", delivered.Count);
        }
    }

    private async Task RecordOtherAsync(Answer answer)
    {
        var delivery = answer.Delivery;
        try
        {
            if (answer.Result is not { } result)
            {
                await _deliveries.ReleaseAsync(delivery.Lease, CancellationToken.None);
                return;
            }

            var now = Micros.Now(_timeProvider);
            long? next = null;
            if (result.Outcome == SendOutcome.Retry)
            {
                var delay = answer.RetryNow ? TimeSpan.Zero : Backoff.Delay(delivery.Lease.Attempt, _options.FirstRetry, _options.MaxRetryDelay);
                var candidate = now + Micros.From(DateTimeOffset.UnixEpoch + delay);
                var windowEnds = delivery.WindowStartedAt + Micros.From(DateTimeOffset.UnixEpoch + _options.RetryFor);
                next = candidate <= windowEnds ? candidate : null;
            }

            var written = await _deliveries.MarkFailedAsync(delivery.Lease, delivery.WindowStartedAt, result.Status, result.Error ?? "failed", next, CancellationToken.None);
            if (written is not null)
            {
                _metrics.WebhookFailures.Add(1);
                _metrics.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("result", written == DeliveryStates.Dead ? "dead" : "failed"));
            }

            if (written == DeliveryStates.Dead)
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

    /// <summary>A claimed delivery waiting for a sender, with the time it was claimed (this process's clock).</summary>
    private sealed record Queued(ClaimedDelivery Delivery, long ClaimedAt);

    /// <summary>A sender's answer for the recorder; no result: handed back unsent.</summary>
    private sealed record Answer(ClaimedDelivery Delivery, SendResult? Result, bool RetryNow);
}
