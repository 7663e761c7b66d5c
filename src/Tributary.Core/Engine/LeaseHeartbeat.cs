using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>
/// Keeps a running run's lease alive: extends it <see cref="EngineOptions.HeartbeatInterval"/> after each success,
/// retries a failed heartbeat with a short backoff, and stops the run only when the lease is really gone.
/// </summary>
/// <remarks>
/// <para>
/// A failed heartbeat (the database restarting, a lock held by another process) says nothing about the lease:
/// it is retried until it succeeds. The run is cancelled when the store answers that the lease is no longer
/// this run's (cancelled, reset, reaped), or when the lease's expiry passes without a successful heartbeat: from
/// then on the reaper may hand the run to another worker, and its fenced writes would be refused anyway.
/// </para>
/// <para>
/// Why: a single failed heartbeat used to end heartbeating for good, so every database blip let the reaper
/// re-queue a healthy run while it still ran, and cost it an attempt.
/// </para>
/// </remarks>
internal sealed class LeaseHeartbeat
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);

    private readonly IRunQueueStore _runs;
    private readonly EngineOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public LeaseHeartbeat(IRunQueueStore runs, EngineOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _runs = runs;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private enum Outcome
    {
        Held,
        Lost,
        Failed,
    }

    /// <summary>Heartbeats until <paramref name="stop"/>; cancels <paramref name="leaseLost"/> when the lease is lost or expires.</summary>
    /// <param name="expiresAt">The lease's expiry as the claim wrote it (unix microseconds).</param>
    public async Task RunAsync(RunFence fence, long expiresAt, CancellationTokenSource leaseLost, CancellationToken stop)
    {
        var leaseMicros = _options.LeaseDuration.Ticks / 10;
        var failures = 0;
        var wait = _options.HeartbeatInterval;
        try
        {
            while (true)
            {
                await Task.Delay(wait, _timeProvider, stop);
                var now = Micros.Now(_timeProvider);
                if (now >= expiresAt)
                {
                    _logger.LogWarning(
                        "Run {RunId}: its lease expired after {Failures} failed heartbeats; cancelling it (another worker may take it over).",
                        fence.RunId,
                        failures);
                    await leaseLost.CancelAsync();
                    return;
                }

                var newExpiry = now + leaseMicros;
                switch (await TryAsync(fence, now, leaseMicros, TimeSpan.FromTicks((expiresAt - now) * 10), stop))
                {
                    case Outcome.Held:
                        if (failures > 0)
                        {
                            _logger.LogInformation("Heartbeat of run {RunId} recovered after {Failures} failures; the lease is held.", fence.RunId, failures);
                        }

                        failures = 0;
                        expiresAt = newExpiry;
                        wait = _options.HeartbeatInterval;
                        break;
                    case Outcome.Lost:
                        _logger.LogInformation("Run {RunId} lost its lease; cancelling it.", fence.RunId);
                        await leaseLost.CancelAsync();
                        return;
                    default:
                        failures++;
                        var remaining = TimeSpan.FromTicks(Math.Max(0, expiresAt - Micros.Now(_timeProvider)) * 10);
                        var backoff = Backoff.Delay(failures, FirstRetry, _options.HeartbeatInterval / 2);
                        wait = backoff < remaining ? backoff : remaining;
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    /// <remarks>
    /// The store extends the lease by <paramref name="leaseMicros"/> on the database's clock where hosts share one
    /// (PostgreSQL); this process tracks its own view of the expiry only to stop writing before the lease can lapse.
    /// </remarks>
    private async Task<Outcome> TryAsync(RunFence fence, long now, long leaseMicros, TimeSpan remaining, CancellationToken stop)
    {
        var attempt = _runs.HeartbeatAsync(fence.RunId, fence.LeaseToken, now, leaseMicros, stop);
        try
        {
            // Bounded by the lease: a heartbeat stuck behind a lock must not outlive it unnoticed.
            return await attempt.WaitAsync(remaining, _timeProvider, stop) ? Outcome.Held : Outcome.Lost;
        }
        catch (TimeoutException) when (!attempt.IsCompleted)
        {
            _ = attempt.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            _logger.LogWarning("Heartbeat of run {RunId} got no answer before its lease expires.", fence.RunId);
            return Outcome.Failed;
        }
        catch (Exception ex) when (!stop.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "Heartbeat of run {RunId} failed; retrying until its lease expires.", fence.RunId);
            return Outcome.Failed;
        }
    }
}
