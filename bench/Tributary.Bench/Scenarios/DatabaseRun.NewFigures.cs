using Microsoft.Extensions.DependencyInjection;
using Tributary.Bench.Baselines;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;

namespace Tributary.Bench.Scenarios;

/// <summary>B14 (webhooks, issue 12), B15 (proxy and SyncContext.Http, issue 10) and B16 (the Node client, issue 14).</summary>
internal sealed partial class DatabaseRun
{
    /// <summary><c>--only B2|B4|B8|B9|B14|B15|B16</c>: what the figure needs first, then the figure. False for any other run.</summary>
    private async Task<bool> NewFiguresOnlyAsync(CancellationToken cancellationToken)
    {
        switch (_context.Options.Only)
        {
            case "B2":
                await AllInOneAsync(cancellationToken);
                return true;

            case "B4":
            {
                // B11's resting RSS is sampled on the worker that has just drained the fan-out, as in the full suite.
                await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
                using var api = _context.Api(apiServer);
                await Setup.CreateFanoutConnectionsAsync(_context, api, cancellationToken);
                await Setup.CreateHoldConnectionsAsync(_context, api, cancellationToken);
                await api.CreateConnectionAsync(BenchNames.Bench, BenchNames.LatencyConnection, [], cancellationToken); // B3 warms up on it
                var batchId = await FanoutScenario.TriggerAsync(_context, api, cancellationToken);
                await using var worker = await _context.StartServerAsync("worker", DrainSlots, "worker-drain", cancellationToken);
                await StepAsync("B4", () => FanoutScenario.DrainAsync(_context, batchId, cancellationToken), cancellationToken);
                await StepAsync("B11 concurrent", () => MemoryScenario.ConcurrentRunsAsync(_context, api, worker, cancellationToken), cancellationToken);
                return true;
            }

            case "B9":
            {
                // The suite's connections only, so that the claims run on a database no other phase has written to
                // (the full suite's B9 follows a dozen phases, whose files and log the claims then share).
                await using (var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken))
                {
                    using var api = _context.Api(apiServer);
                    await Setup.CreateConnectionsAsync(_context, api, cancellationToken);
                }

                await using var stores = QueueScenario.EngineStores(_context);
                var runs = stores.GetRequiredService<IRunQueueStore>();
                await StepAsync("B9", () => QueueScenario.RunAsync(_context, runs, cancellationToken), cancellationToken);
                return true;
            }

            case "B14":
            {
                await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
                using var api = _context.Api(apiServer);
                await Setup.CreateFanoutConnectionsAsync(_context, api, cancellationToken);
                await api.CreateConnectionAsync(BenchNames.Bench, BenchNames.LatencyConnection, [], cancellationToken); // B3 warms up on it
                var batchId = await FanoutScenario.TriggerAsync(_context, api, cancellationToken);
                await using (var worker = await _context.StartServerAsync("worker", DrainSlots, "worker-drain", cancellationToken))
                {
                    await StepAsync("B4", () => FanoutScenario.DrainAsync(_context, batchId, cancellationToken), cancellationToken);
                }

                await StepAsync("B14", () => WebhooksAsync(api, cancellationToken), cancellationToken);
                return true;
            }

            case "B8":
            {
                await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
                using var api = _context.Api(apiServer);
                await Setup.CreateRecordsConnectionsAsync(_context, api, cancellationToken);
                await using var worker = await _context.StartServerAsync("worker", 16, "worker-records", cancellationToken);
                await StepAsync("B5", () => RecordsScenario.FreshAsync(_context, api, cancellationToken), cancellationToken);
                await StepAsync("B8", () => ReadScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
                return true;
            }

            case "B15":
            {
                await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
                using var api = _context.Api(apiServer);
                await Setup.CreateRecordsConnectionsAsync(_context, api, cancellationToken);
                await using var worker = await _context.StartServerAsync("worker", 16, "worker-records", cancellationToken);
                await StepAsync("B15", () => ProxyScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
                return true;
            }

            case "B16":
            {
                await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
                using var api = _context.Api(apiServer);
                await Setup.CreateRecordsConnectionsAsync(_context, api, cancellationToken);
                await using var worker = await _context.StartServerAsync("worker", 16, "worker-records", cancellationToken);
                await StepAsync("B5", () => RecordsScenario.FreshAsync(_context, api, cancellationToken), cancellationToken);
                await StepAsync("B12", () => ClientReadScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
                await StepAsync("B16", () => NodeClientScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
                return true;
            }

            default:
                return false;
        }
    }

    /// <summary>B4's worker shape: the drain with webhooks compares against it.</summary>
    private int DrainSlots => Math.Max(200, _context.Profile.HoldHigh + 16);

    /// <summary>
    /// B14 on workers of B4's shape, after B4: drains with webhooks (delivery off in the worker: the outbox fills) and
    /// without, in turn on one worker; then a fresh worker delivers the last drain's outbox,
    /// and three more full outboxes warm (paused while each fills); then, as context, the old shape (a worker drains
    /// another fan-out and delivers its webhooks at the same time).
    /// </summary>
    private async Task WebhooksAsync(BenchApi api, CancellationToken cancellationToken)
    {
        // Runs a stopped worker handed back (B11's holds) must not run, nor report, here.
        await using (var connection = await _context.OpenAsync(cancellationToken))
        {
            await QueueState.CancelActiveAsync(connection, cancellationToken);
        }

        await using var receiver = await WebhookReceiver.StartAsync(cancellationToken);
        try
        {
            // One worker drains a first fan-out fresh, then fan-outs with and without webhooks in turn, each queued
            // while it is paused after its background compiles (see WebhookScenario.DrainWithWebhooks).
            WebhookScenario.AlternatingDrains drains;
            var deferred = new Dictionary<string, string> { [WebhookOptions.ConcurrencySetting] = "0" };
            var firstBatchId = await WebhookScenario.TriggerWithoutWebhooksAsync(api, cancellationToken);
            await using (var worker = await _context.StartServerAsync("worker", DrainSlots, "worker-drain", cancellationToken, deferred))
            {
                drains = await DrainInTurnAsync(worker, firstBatchId, api, receiver, cancellationToken);
                WebhookScenario.DrainWithWebhooks(_context, drains);
            }

            var batchId = drains.LastWithWebhooks.BatchId;

            double bare, bareFromWorker;
            IReadOnlyList<string> bodies;
            await using (var sender = await _context.StartServerAsync("worker", DrainSlots, "worker-webhooks-delivery", cancellationToken))
            {
                var cpu = sender.CpuTime();
                var wall = System.Diagnostics.Stopwatch.GetTimestamp();
                (bare, var fresh, bodies) = await WebhookScenario.MeasureDeliveryAsync(_context, receiver, batchId, cancellationToken);
                _context.Info($"B14 delivery worker: {(sender.CpuTime() - cpu).TotalSeconds:0.00} s CPU over {System.Diagnostics.Stopwatch.GetElapsedTime(wall).TotalSeconds:0.00} s (start to the end of the bench process's bare POSTs)");

                // The same worker meets a second, a third and a fourth full outbox, paused while a deferred worker
                // drains each next fan-out (it claims no run and sends nothing meanwhile), then resumed. The second is
                // the measure before 2026-12-05 16:10, printed in the note: its worker was still tiering its code up
                // (see WebhookScenario). B14.rate is the better of the third and fourth (since 2026-12-07), as its
                // baseline is the better of two bare rounds: one estimator on both sides.
                // From each resume to the outbox's end the bench process collects no garbage (CollectionsHeldOff):
                // each measure below ends the hold once its outbox is delivered.
                var (warmOnceBatchId, onceAtResume, heldOnce) = await RefillWhilePausedAsync(api, receiver, sender, WebhookScenario.WarmOnceInbox, deferred, cancellationToken);
                var warmOnce = await WebhookScenario.WarmOutboxAsync(_context, receiver, sender, onceAtResume, heldOnce, WebhookScenario.WarmOnceInbox, warmOnceBatchId, cancellationToken);
                var warm = new List<WebhookScenario.WarmOutbox>();
                foreach (var inbox in new[] { WebhookScenario.WarmInbox, WebhookScenario.WarmAgainInbox })
                {
                    var (warmBatchId, atResume, held) = await RefillWhilePausedAsync(api, receiver, sender, inbox, deferred, cancellationToken);
                    warm.Add(await WebhookScenario.WarmOutboxAsync(_context, receiver, sender, atResume, held, inbox, warmBatchId, cancellationToken));
                }

                bareFromWorker = await WebhookScenario.MeasureWarmDeliveryAsync(_context, api, receiver, warm, (bare, bodies), fresh, warmOnce.Rate, cancellationToken);
            }

            var liveBatchId = await WebhookScenario.TriggerAsync(_context, api, receiver, WebhookScenario.LiveInbox, cancellationToken);
            await using (var worker = await _context.StartServerAsync("worker", DrainSlots, "worker-webhooks-live", cancellationToken))
            {
                await WebhookScenario.MeasureDrainAsync(_context, liveBatchId, FigureCatalog.B14DrainLive, drains.PlainRate, cancellationToken);
                await WebhookScenario.MeasurePacedAsync(_context, receiver, liveBatchId, bareFromWorker, cancellationToken);
            }
        }
        finally
        {
            // The rest of the suite runs without webhooks, as it did before B14 existed.
            await WebhookScenario.WebhooksOffAsync(api, CancellationToken.None);
        }
    }

    /// <summary>
    /// <paramref name="worker"/> (delivery off) drains <paramref name="firstBatchId"/> (queued before it started,
    /// webhooks off), then one fan-out per <see cref="WebhookScenario.AlternatingOrder"/> entry, each queued while the
    /// worker is paused, once idle (its background compiles done), with webhooks on or off: each drain's B4 measure.
    /// A drain's outbox rows are counted after it, and discarded before the next drain, but the last one's.
    /// </summary>
    private async Task<WebhookScenario.AlternatingDrains> DrainInTurnAsync(
        ServerProcess worker, string firstBatchId, BenchApi api, WebhookReceiver receiver, CancellationToken cancellationToken)
    {
        if (!WebhookScenario.AlternatingOrder[^1])
        {
            throw new InvalidOperationException("The last drain must have webhooks: its outbox is the one delivered next.");
        }

        var first = await DrainOfAsync(firstBatchId, cancellationToken);
        await CheckDrainAsync(first, false, cancellationToken);
        var (plain, hooked) = (new List<WebhookScenario.Drain>(), new List<WebhookScenario.Drain>());
        string? toDiscard = null;
        foreach (var withWebhooks in WebhookScenario.AlternatingOrder)
        {
            var (waited, compiling) = await worker.WaitUntilIdleAsync(IdleWindow, IdleBusy, IdleMost, cancellationToken);
            _context.Info($"B14 {worker.Label} idle before its drain {plain.Count + hooked.Count + 2}: after {waited.TotalSeconds:0.0} s, {compiling.TotalMilliseconds:N0} ms of CPU meanwhile");
            string batchId;
            CpuSplit atResume;
            await worker.PauseAsync();
            try
            {
                if (toDiscard is not null)
                {
                    await WebhookScenario.DiscardWebhooksAsync(_context, toDiscard, cancellationToken);
                }

                batchId = withWebhooks
                    ? await WebhookScenario.TriggerAsync(_context, api, receiver, WebhookScenario.Inbox, cancellationToken)
                    : await WebhookScenario.TriggerWithoutWebhooksAsync(api, cancellationToken);

                // The worker reads the settings at most a second old (WebhookSettingsCache): the change is older at the resume.
                await Task.Delay(SettingsSeen, TimeProvider.System, cancellationToken);
            }
            finally
            {
                atResume = CpuSplit.Take(worker);
                await worker.ResumeAsync();
            }

            var drain = await DrainOfAsync(batchId, cancellationToken);
            drain = drain with { Cpu = CpuSplit.Take(worker) - atResume };
            await CheckDrainAsync(drain, withWebhooks, cancellationToken);
            (withWebhooks ? hooked : plain).Add(drain);
            toDiscard = withWebhooks ? batchId : null;
            _context.Info($"B14 {worker.Label} drain {plain.Count + hooked.Count + 1} ({(withWebhooks ? "webhooks on" : "webhooks off")}): {drain.Rate:N0} runs/s, CPU a run {drain.CpuPerRun}");
        }

        return new(first, plain, hooked);
    }

    /// <summary>A drain measures nothing unless every run of its fan-out succeeded and wrote the outbox rows its side says.</summary>
    private async Task CheckDrainAsync(WebhookScenario.Drain drain, bool withWebhooks, CancellationToken cancellationToken)
    {
        if (drain.Succeeded != _context.Profile.FanoutConnections)
        {
            throw new InvalidOperationException($"A drain {(withWebhooks ? "with" : "without")} webhooks ended {drain.Succeeded:N0} of {_context.Profile.FanoutConnections:N0} runs succeeded.");
        }

        await WebhookScenario.CheckOutboxRowsAsync(_context, drain.BatchId, withWebhooks, cancellationToken);
    }

    /// <summary>Longer than <see cref="Tributary.Core.Webhooks.WebhookSettingsCache"/>'s lifetime of a second.</summary>
    private static readonly TimeSpan SettingsSeen = TimeSpan.FromMilliseconds(1_200);

    private async Task<WebhookScenario.Drain> DrainOfAsync(string batchId, CancellationToken cancellationToken)
    {
        var (rate, seconds, succeeded) = await FanoutScenario.MeasureDrainAsync(_context, batchId, cancellationToken);
        return new(batchId, rate, seconds, succeeded);
    }

    /// <summary>A delivery worker counts as idle after two windows of 250 ms with under 10 ms of CPU each (its poll costs less), waited for up to 20 s.</summary>
    private static readonly TimeSpan IdleWindow = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan IdleBusy = TimeSpan.FromMilliseconds(10);

    private static readonly TimeSpan IdleMost = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Waits until <paramref name="sender"/> is idle (its background compiles done), pauses it, fills the outbox with a fan-out whose webhooks go to <paramref name="inbox"/>
    /// (drained by a deferred worker), holds the bench process's collections off (<see cref="CollectionsHeldOff"/>, the caller
    /// ends it with the outbox) and resumes it; returns the fan-out's batch id, the CPU split just before the resume and the hold.
    /// </summary>
    private async Task<(string BatchId, CpuSplit AtResume, CollectionsHeldOff Held)> RefillWhilePausedAsync(
        BenchApi api,
        WebhookReceiver receiver,
        ServerProcess sender,
        string inbox,
        Dictionary<string, string> deferred,
        CancellationToken cancellationToken)
    {
        // Its background compiles first (see ServerProcess.WaitUntilIdleAsync): paused, they would wait for the next outbox.
        var (waited, compiling) = await sender.WaitUntilIdleAsync(IdleWindow, IdleBusy, IdleMost, cancellationToken);
        _context.Info($"B14 delivery worker idle before its pause for {inbox}: after {waited.TotalSeconds:0.0} s, {compiling.TotalMilliseconds:N0} ms of CPU meanwhile");
        await sender.PauseAsync();
        var resumed = false;
        try
        {
            var batchId = await WebhookScenario.TriggerAsync(_context, api, receiver, inbox, cancellationToken);
            await using (var refill = await _context.StartServerAsync("worker", DrainSlots, $"worker-webhooks-refill-{inbox}", cancellationToken, deferred))
            {
                await FanoutScenario.MeasureDrainAsync(_context, batchId, cancellationToken);
            }

            // Started before the resume: starting the region collects, and that pause must not fall in the stream.
            var held = CollectionsHeldOff.Start();
            try
            {
                var atResume = CpuSplit.Take(sender);
                await sender.ResumeAsync();
                resumed = true;
                return (batchId, atResume, held);
            }
            catch
            {
                held.Dispose();
                throw;
            }
        }
        finally
        {
            if (!resumed)
            {
                await sender.ResumeAsync();
            }
        }
    }
}
