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
    /// B14 on workers of B4's shape, after B4: the drains without webhooks and with delivery off in the worker (the
    /// outbox fills), each the best warm drain of its worker; then a fresh worker delivers the last drain's outbox,
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
            // Each drain worker drains a first fan-out fresh, then more, each queued while it is paused after its
            // background compiles; the best of those is the measure (see WebhookScenario.PlainDrain).
            WebhookScenario.WorkerDrains plain;
            var plainBatchId = await WebhookScenario.TriggerWithoutWebhooksAsync(api, cancellationToken);
            await using (var worker = await _context.StartServerAsync("worker", DrainSlots, "worker-drain-plain", cancellationToken))
            {
                plain = await DrainWarmAsync(worker, plainBatchId, () => WebhookScenario.TriggerWithoutWebhooksAsync(api, cancellationToken), cancellationToken);
                WebhookScenario.PlainDrain(_context, plain);
            }

            WebhookScenario.WorkerDrains drains;
            var deferred = new Dictionary<string, string> { [WebhookOptions.ConcurrencySetting] = "0" };
            var firstBatchId = await WebhookScenario.TriggerAsync(_context, api, receiver, WebhookScenario.Inbox, cancellationToken);
            await using (var worker = await _context.StartServerAsync("worker", DrainSlots, "worker-webhooks-deferred", cancellationToken, deferred))
            {
                // Each drain's webhooks are discarded before the next is queued; the last drain's are delivered below.
                var drained = firstBatchId;
                drains = await DrainWarmAsync(
                    worker,
                    firstBatchId,
                    async () =>
                    {
                        await WebhookScenario.DiscardWebhooksAsync(_context, drained, cancellationToken);
                        return drained = await WebhookScenario.TriggerAsync(_context, api, receiver, WebhookScenario.Inbox, cancellationToken);
                    },
                    cancellationToken);
                WebhookScenario.DrainWithWebhooks(_context, drains, plain);
            }

            var batchId = drains.Warm[^1].BatchId;

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
                await WebhookScenario.MeasureDrainAsync(_context, liveBatchId, FigureCatalog.B14DrainLive, plain.Best.Rate, cancellationToken);
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
    /// <paramref name="worker"/> drains <paramref name="firstBatchId"/> (queued before it started), then
    /// <see cref="WebhookScenario.WarmDrains"/> more fan-outs, each queued by <paramref name="queueNext"/> while the
    /// worker is paused, once idle (its background compiles done): each drain's B4 measure.
    /// </summary>
    private async Task<WebhookScenario.WorkerDrains> DrainWarmAsync(ServerProcess worker, string firstBatchId, Func<Task<string>> queueNext, CancellationToken cancellationToken)
    {
        var first = await DrainOfAsync(firstBatchId, cancellationToken);
        var warm = new List<WebhookScenario.Drain>();
        for (var i = 0; i < WebhookScenario.WarmDrains; i++)
        {
            var (waited, compiling) = await worker.WaitUntilIdleAsync(IdleWindow, IdleBusy, IdleMost, cancellationToken);
            _context.Info($"B14 {worker.Label} idle before its drain {i + 2}: after {waited.TotalSeconds:0.0} s, {compiling.TotalMilliseconds:N0} ms of CPU meanwhile");
            string batchId;
            CpuSplit atResume;
            await worker.PauseAsync();
            try
            {
                batchId = await queueNext();
            }
            finally
            {
                atResume = CpuSplit.Take(worker);
                await worker.ResumeAsync();
            }

            var drain = await DrainOfAsync(batchId, cancellationToken);
            warm.Add(drain with { Cpu = CpuSplit.Take(worker) - atResume });
            _context.Info($"B14 {worker.Label} drain {i + 2}: {drain.Rate:N0} runs/s, CPU a run {warm[^1].CpuPerRun}");
        }

        return new(first, warm);
    }

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
