using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Bench.Baselines;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B14 (issue 12): B4's fan-out again with <c>on_sync_completion_always</c> on and a loopback receiver as the primary
/// URL — one sync webhook per no-op run. First the drain, by a worker that writes the outbox rows with each
/// completion but sends none (<c>TRIBUTARY_WEBHOOK_CONCURRENCY=0</c>), against the same drain without webhooks just
/// before it (<see cref="PlainDrain"/>), each the second fan-out its worker drains; then a fresh
/// worker delivers the full outbox: delivered = distinct bodies of this batch's runs received (exactly the runs of
/// the fan-out, no more, no fewer). The rate: the delivery worker is paused (SIGSTOP) while another deferred worker
/// drains a second fan-out, then resumed, and the same again with a third: first to last POST of that third full
/// outbox, so the figure is a worker whose code has been tiered up, as any worker that has run for a minute (a fresh
/// worker delivered on tier-0 code: perf showed its tier-1 recompiles after the outbox was empty). Before each pause the
/// worker is let go idle (<see cref="Infrastructure.ServerProcess.WaitUntilIdleAsync"/>): paused at once, its queued
/// recompiles waited and ran inside the next timed outbox. From each resume to the outbox's end, and in each bare round,
/// the bench process — the receiver — collects no garbage (<see cref="CollectionsHeldOff"/>). One outbox was not
/// enough: during the second one the worker's tiered-compilation thread still took 67–73% of its CPU and compiled
/// ~930 methods (tiered PGO's instrumented tier, and the per-batch methods, called ~40 times an outbox); the second
/// outbox's rate (the measure before 2026-12-05 16:10) and the fresh worker's stay in the note. The baseline: the same
/// bodies posted bare by that worker with its delivery concurrency, measured the same way
/// (<see cref="BareFromWorkerAsync"/>); posted from the bench process, they are in the note. Then, as
/// context, the old shape: another fan-out drained while the same worker delivers (drain and paced rate).
/// </summary>
internal static class WebhookScenario
{
    public const string Inbox = "hook";
    public const string LiveInbox = "hook-live";
    public const string WarmInbox = "hook-warm";
    public const string WarmOnceInbox = "hook-warm-once";
    private const string BareInbox = "bare";
    private const string BareWorkerInbox = "bare-worker";

    /// <summary>Runs of the bare baseline in the delivery worker; the best counts (its first POSTs warm its client).</summary>
    private const int BareRounds = 2;

    /// <summary>The timelines' bins and the gaps they list (a 100 ms stall is a tenth of a warm outbox's time).</summary>
    private static readonly TimeSpan TimelineBin = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan TimelineGap = TimeSpan.FromMilliseconds(10);

    /// <summary>The delivery workers' concurrency per process (<c>WebhookOptions.Concurrency</c>'s default), for the baseline.</summary>
    private const int DeliveryConcurrency = 16;

    /// <summary>Turns webhooks on (to <paramref name="inbox"/>) and queues the fan-out again (the API process; no worker runs yet). Returns the batch id.</summary>
    public static async Task<string> TriggerAsync(BenchContext context, BenchApi api, WebhookReceiver receiver, string inbox, CancellationToken cancellationToken)
    {
        await api.PatchWebhookSettingsAsync(new JsonObject
        {
            ["primary_url"] = receiver.Url(inbox).AbsoluteUri,
            ["on_sync_completion_always"] = true,
        }, cancellationToken);
        return await QueueFanoutAsync(api, cancellationToken);
    }

    /// <summary>Turns webhooks off and queues the fan-out again (no worker runs yet), for <see cref="PlainDrain"/>. Returns the batch id.</summary>
    public static async Task<string> TriggerWithoutWebhooksAsync(BenchApi api, CancellationToken cancellationToken)
    {
        await WebhooksOffAsync(api, cancellationToken);
        return await QueueFanoutAsync(api, cancellationToken);
    }

    /// <summary>No webhook is written for what completes from now on (an empty primary URL).</summary>
    public static Task WebhooksOffAsync(BenchApi api, CancellationToken cancellationToken) =>
        api.PatchWebhookSettingsAsync(new JsonObject { ["primary_url"] = string.Empty }, cancellationToken);

    private static async Task<string> QueueFanoutAsync(BenchApi api, CancellationToken cancellationToken)
    {
        var response = await api.TriggerAsync(BenchNames.Fanout, [BenchNames.Noop], null, cancellationToken);
        return (string?)response["batch_id"] ?? throw new InvalidOperationException("The fan-out answer has no batch_id.");
    }

    /// <summary>One fan-out's drain: B4's measure of it.</summary>
    public sealed record Drain(string BatchId, double Rate, double Seconds, long Succeeded);

    /// <summary>A drain worker's two fan-outs: the first drained fresh, the second once its code was warm.</summary>
    public sealed record TwoDrains(Drain First, Drain Second);

    /// <summary>
    /// B4's drain again (batches of <see cref="TriggerWithoutWebhooksAsync"/>), right before the drains with webhooks:
    /// their baseline, the second fan-out of a worker of B4's shape. B4 itself ran minutes earlier, before B11's holds
    /// and on a smaller runs table, and on PostgreSQL it moved 1,333–1,735 runs/s between runs of unchanged code while
    /// the drain with webhooks moved less (2026-12-06): a baseline taken at another moment measured the moment, not the
    /// webhooks.
    /// <para>
    /// Why the second fan-out (since 2026-12-07): a fresh worker drains 10,000 no-op runs in about 1.5 s on SQLite,
    /// while it is still compiling its code; with webhooks there is more of it. A profile of a fresh worker's drain
    /// (2026-12-07 04:30, docs/benchmarks.md) put +26 µs a run of the +59 µs the webhooks cost in the JIT compiler and
    /// most of the rendering in tier-0 code: a cost a worker pays once in its life, not per run. Both drains are
    /// measured the same way; the fresh ones go in the note.
    /// </para>
    /// </summary>
    public static void PlainDrain(BenchContext context, TwoDrains drains)
    {
        var b4 = context.Results.Value(FigureCatalog.B4Drain) ?? double.NaN;
        context.Info($"B14 baseline: B4's drain again, webhooks off, the worker's second fan-out {drains.Second.Rate:N0} runs/s ({drains.Second.Seconds:0.00} s, {drains.Second.Succeeded:N0} succeeded); its first, fresh, {drains.First.Rate:N0}; B4 earlier in the run {b4:N0}");
    }

    /// <summary>B14.drain: the deferred worker's second fan-out against the plain worker's (<see cref="PlainDrain"/>); the fresh drains in the note.</summary>
    public static void DrainWithWebhooks(BenchContext context, TwoDrains drains, TwoDrains plain)
    {
        var withoutWebhooks = plain.Second.Rate;
        var expected = context.Profile.FanoutConnections;
        var b4 = context.Results.Value(FigureCatalog.B4Drain) ?? double.NaN;
        var (first, second) = (drains.First, drains.Second);
        var freshShare = plain.First.Rate > 0 ? (first.Rate / plain.First.Rate).ToString("P0", CultureInfo.InvariantCulture) : "n/a";
        context.Results.Set(
            FigureCatalog.B14Drain,
            second.Rate,
            1,
            $"{second.Succeeded:N0} of {expected:N0} succeeded; first start to last finish {second.Seconds:0.00} s; the worker's second fan-out, as the baseline's (B4's drain again just before, webhooks off); "
                + $"their first, fresh: {first.Rate:N0} against {plain.First.Rate:N0} runs/s ({freshShare}); B4 earlier in the run: {b4:N0} runs/s");
        context.Results.SetBaseline(FigureCatalog.B14Drain, withoutWebhooks);
        context.Info($"B14.drain {second.Rate:N0} runs/s, the worker's second fan-out (the same without webhooks {withoutWebhooks:N0}); its first, fresh, {first.Rate:N0} ({freshShare} of the plain worker's first); B4 {b4:N0}");
    }

    /// <summary>Deletes the outbox rows of <paramref name="batchId"/>'s runs (a fan-out that only warmed a drain worker); none was sent.</summary>
    public static async Task DiscardWebhooksAsync(BenchContext context, string batchId, CancellationToken cancellationToken)
    {
        await using var connection = await context.OpenAsync(cancellationToken);
        await using var delete = connection.RawCommand(
            "DELETE FROM webhook_deliveries WHERE state = 'pending' AND run_id IN (SELECT id FROM runs WHERE batch_id = @b)")
            .With("b", batchId);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        context.Info($"B14 the first drain's {deleted:N0} pending webhooks discarded (they only warmed the drain worker)");
    }

    /// <summary>B4's measure of this batch's drain by a fresh worker, as <paramref name="figure"/>, against <paramref name="withoutWebhooks"/> (<see cref="PlainDrain"/>'s second fan-out).</summary>
    public static async Task MeasureDrainAsync(BenchContext context, string batchId, FigureSpec figure, double withoutWebhooks, CancellationToken cancellationToken)
    {
        var expected = context.Profile.FanoutConnections;
        var (drain, seconds, succeeded) = await FanoutScenario.MeasureDrainAsync(context, batchId, cancellationToken);
        var b4 = context.Results.Value(FigureCatalog.B4Drain) ?? double.NaN;
        context.Results.Set(figure, drain, 1, $"{succeeded:N0} of {expected:N0} succeeded; first start to last finish {seconds:0.00} s; a fresh worker; the baseline is B4's drain again, webhooks off, a worker's second fan-out (B4 earlier in the run: {b4:N0} runs/s)");
        context.Results.SetBaseline(figure, withoutWebhooks);
        context.Info($"{figure.Name} {drain:N0} runs/s (the same drain without webhooks just before {withoutWebhooks:N0}; B4 {b4:N0})");
    }

    /// <summary>
    /// With the outbox full and a fresh delivery worker started: every delivery (B14.delivered), then the bare baseline;
    /// returns the baseline and the fresh worker's rate.
    /// </summary>
    public static async Task<(double Bare, double Fresh, IReadOnlyList<string> Bodies)> MeasureDeliveryAsync(BenchContext context, WebhookReceiver receiver, string batchId, CancellationToken cancellationToken)
    {
        var expected = context.Profile.FanoutConnections;
        var inbox = receiver.InboxOf(Inbox);
        await WaitForDeliveriesAsync(context, inbox, batchId, cancellationToken);
        var runIds = await BatchRunIdsAsync(context, batchId, cancellationToken);
        var bodies = inbox.Bodies;
        var distinct = bodies.Distinct(StringComparer.Ordinal).ToList();
        var ofBatch = distinct.Count(body => RunIdOf(body) is { } id && runIds.Contains(id));
        var outbox = await OutboxStatesAsync(context, cancellationToken);
        var note = $"{bodies.Count:N0} POSTs received, {bodies.Count - distinct.Count:N0} repeated, {distinct.Count - ofBatch:N0} of other runs; outbox {outbox}";
        context.Results.Set(FigureCatalog.B14Delivered, ofBatch, 1, note);
        context.Results.SetBaseline(FigureCatalog.B14Delivered, expected);
        context.Info($"B14 delivered {ofBatch:N0} of {expected:N0}; {note}");

        var rate = inbox.Rate;
        var bare = await BarePostsAsync(receiver, distinct, cancellationToken);
        var deliverySeconds = bodies.Count > 1 ? (bodies.Count - 1) / rate : 0;
        context.Info($"B14 fresh worker's delivery rate {rate:N0}/s over {deliverySeconds:0.00} s (second half {inbox.SecondHalfRate:N0}/s); bare POSTs of the same {distinct.Count:N0} bodies from the bench process {bare:N0}/s (second half {receiver.InboxOf(BareInbox).SecondHalfRate:N0}/s)");
        return (bare, rate, distinct);
    }

    /// <summary>
    /// The rate (first to last POST) at which <paramref name="inbox"/> received this batch's deliveries, once none is
    /// pending; ends <paramref name="held"/> then.
    /// </summary>
    public static async Task<double> DeliveredRateAsync(BenchContext context, WebhookReceiver receiver, string inbox, string batchId, CollectionsHeldOff held, CancellationToken cancellationToken)
    {
        var received = receiver.InboxOf(inbox);
        using (held)
        {
            await WaitForDeliveriesAsync(context, received, batchId, cancellationToken);
        }

        context.Info($"B14 delivery rate, worker warm after one outbox: {received.Rate:N0}/s (second half {received.SecondHalfRate:N0}/s; the receiver's collections {held.Describe()})");
        context.Info($"B14 timeline, worker warm after one outbox: {received.Timeline(TimelineBin, TimelineGap)}");
        return received.Rate;
    }

    /// <summary>
    /// B14.rate: a third full outbox, delivered by the worker that delivered the first two (paused while each filled),
    /// first to last POST, against the same bodies POSTed bare by that worker (<see cref="BareFromWorkerAsync"/>); the
    /// second outbox's rate, the fresh worker's rate of the first and the bare POSTs from the bench process go in the note.
    /// Returns that baseline.
    /// </summary>
    public static async Task<double> MeasureWarmDeliveryAsync(
        BenchContext context,
        BenchApi api,
        WebhookReceiver receiver,
        ServerProcess sender,
        CpuSplit atResume,
        CollectionsHeldOff held,
        string batchId,
        (double FromBench, IReadOnlyList<string> Bodies) bare,
        double fresh,
        double warmOnce,
        CancellationToken cancellationToken)
    {
        var inbox = receiver.InboxOf(WarmInbox);
        using (held)
        {
            await WaitForDeliveriesAsync(context, inbox, batchId, cancellationToken);
        }

        var cpu = CpuSplit.Take(sender) - atResume;
        var rate = inbox.Rate;
        var count = inbox.Count;
        var timeline = inbox.Timeline(TimelineBin, TimelineGap);
        var deliverySeconds = count > 1 ? (count - 1) / rate : 0;
        var fromWorker = await BareFromWorkerAsync(context, api, receiver, bare.Bodies, cancellationToken);
        context.Results.Set(
            FigureCatalog.B14Rate,
            rate,
            count,
            $"{count:N0} deliveries of a full outbox over {deliverySeconds:0.00} s by a worker that had delivered two before (the receiver's collections {held.Describe()}); "
                + $"the bare baseline is that worker's best of {BareRounds} runs posting the same bodies; from the bench process they went at {bare.FromBench:N0}/s ({Share(rate, bare.FromBench)}); "
                + $"the second outbox, same worker (the measure before 2026-12-05 16:10): {warmOnce:N0} webhooks/s ({Share(warmOnce, fromWorker)}); the first, fresh: {fresh:N0} webhooks/s ({Share(fresh, fromWorker)})");
        context.Results.SetBaseline(FigureCatalog.B14Rate, fromWorker);
        context.Info($"B14 delivery rate, warm worker: {rate:N0}/s over {deliverySeconds:0.00} s; bare POSTs from the same worker {fromWorker:N0}/s ({Share(rate, fromWorker)}), from the bench process {bare.FromBench:N0}/s ({Share(rate, bare.FromBench)}); after one outbox {warmOnce:N0}/s; fresh {fresh:N0}/s");
        context.Info($"B14 CPU per delivery of the warm outbox, resume to the wait's end: {cpu.PerItem(count, "worker")}");
        context.Info($"B14 timeline, warm worker: {timeline}");
        context.Info($"B14 timeline, bare POSTs from the bench process: {receiver.InboxOf(BareInbox).Timeline(TimelineBin, TimelineGap)}");
        return fromWorker;
    }

    /// <summary>
    /// The baseline "bare HTTP posts to the same receiver from the same process" (issue 12): the bodies of the first
    /// outbox, written to a file, POSTed by a <c>bench-post</c> run of the delivery worker — the only worker then, so
    /// it runs there — with a bare client and the delivery's concurrency, <see cref="BareRounds"/> times, each to an
    /// inbox of its own; the best first-to-last rate. Both sides pay the same for the worker's share of the two cores,
    /// its runtime settings and its loopback sockets, and differ only by the outbox. Webhooks are off meanwhile, so the
    /// runs themselves write none.
    /// </summary>
    private static async Task<double> BareFromWorkerAsync(BenchContext context, BenchApi api, WebhookReceiver receiver, IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        await WebhooksOffAsync(api, cancellationToken);
        var file = Path.Combine(context.Options.WorkDir, $"b14-bodies-{context.DatabaseName}.jsonl");
        await File.WriteAllLinesAsync(file, bodies, cancellationToken);
        var best = 0.0;
        for (var round = 1; round <= BareRounds; round++)
        {
            var name = $"{BareWorkerInbox}-{round}";
            var metadata = new JsonObject
            {
                ["http_url"] = receiver.Url(name).AbsoluteUri,
                ["bodies_file"] = file,
                ["concurrency"] = DeliveryConcurrency,
            };
            if (round == 1)
            {
                await api.CreateConnectionAsync(BenchNames.Bench, BenchNames.BarePostConnection, metadata, cancellationToken);
            }
            else
            {
                await api.PatchMetadataAsync(BenchNames.Bench, BenchNames.BarePostConnection, metadata, cancellationToken);
            }

            var held = CollectionsHeldOff.Start();
            JsonNode run;
            string runId;
            using (held)
            {
                var response = await api.TriggerAsync(BenchNames.Bench, [BenchNames.Post], BenchNames.BarePostConnection, cancellationToken);
                runId = (string)response["runs"]![0]!["run_id"]!;
                run = await api.WaitForRunAsync(runId, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(250), cancellationToken);
            }

            var inbox = receiver.InboxOf(name);
            if ((string?)run["state"] != "succeeded" || inbox.Count != bodies.Count)
            {
                throw new InvalidOperationException($"bench-post run {runId} ended {(string?)run["state"]} ({(string?)run["error"]}); the receiver counted {inbox.Count:N0} of {bodies.Count:N0} POSTs.");
            }

            context.Info($"B14 bare POSTs from the delivery worker, round {round}: {inbox.Rate:N0}/s (second half {inbox.SecondHalfRate:N0}/s; the receiver's collections {held.Describe()}); timeline: {inbox.Timeline(TimelineBin, TimelineGap)}");
            best = Math.Max(best, inbox.Rate);
        }

        return best;
    }

    private static string Share(double rate, double baseline) => baseline > 0 ? (rate / baseline).ToString("P0", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>Context: the deliveries of a batch drained while they were sent, first to last POST (the drain sets the pace).</summary>
    public static async Task MeasurePacedAsync(BenchContext context, WebhookReceiver receiver, string batchId, double bare, CancellationToken cancellationToken)
    {
        var inbox = receiver.InboxOf(LiveInbox);
        await WaitForDeliveriesAsync(context, inbox, batchId, cancellationToken);
        var rate = inbox.Rate;
        var deliverySeconds = inbox.Count > 1 ? (inbox.Count - 1) / rate : 0;
        context.Results.Set(FigureCatalog.B14RatePaced, rate, inbox.Count, $"{inbox.Count:N0} deliveries over {deliverySeconds:0.00} s, starting with the first completed run");
        context.Results.SetBaseline(FigureCatalog.B14RatePaced, bare);

        context.Info($"B14 paced delivery rate (old shape) {rate:N0}/s over {deliverySeconds:0.00} s");
    }

    /// <summary>Until no delivery of the batch is pending (delivered or dead), bounded in time.</summary>
    /// <remarks>
    /// The batch's run ids are read once and the pending deliveries' run ids are matched here, not in SQL: the poll
    /// runs while the worker delivers, i.e. during the timed phase, and on PostgreSQL the join of the pending
    /// deliveries with the batch's runs was planned on statistics taken while nothing was pending and a batch id
    /// unknown to them: 47 ms per poll in one medium run, 11 s in another (<c>pg_stat_statements</c>: 4 calls,
    /// 45 s), one of a two-core machine's cores for the whole delivery. Reading the pending rows' run ids is one
    /// scan, whatever the plan.
    /// <para>
    /// That scan still read every pending run id (up to the whole outbox) into the bench process, which is also the
    /// receiver, every 250 ms of the timed delivery: 24 calls and 676 ms of PostgreSQL time in one medium B14 run
    /// (rate12's profile), beside a worker delivering an outbox in about a second, while the bare baseline it is
    /// compared with ran alone. So until <paramref name="inbox"/> has received as many POSTs as the batch has runs
    /// (one sync webhook each) the wait only looks at the receiver's count, with the database asked every 2 s in
    /// case some deliveries died; then the database confirms, as before, that none is pending.
    /// </para>
    /// </remarks>
    private static async Task WaitForDeliveriesAsync(BenchContext context, WebhookReceiver.Inbox inbox, string batchId, CancellationToken cancellationToken)
    {
        var runIds = await BatchRunIdsAsync(context, batchId, cancellationToken);
        await using var connection = await context.OpenAsync(cancellationToken);
        var limit = TimeSpan.FromSeconds(60 + context.Profile.FanoutConnections / 20.0);
        var waited = Stopwatch.GetTimestamp();
        var lastAsked = waited;
        while (true)
        {
            var received = inbox.Count >= runIds.Count;
            if (received || Stopwatch.GetElapsedTime(lastAsked) >= TimeSpan.FromSeconds(2))
            {
                lastAsked = Stopwatch.GetTimestamp();
                var pending = (await connection.QueryStringsAsync(
                    "SELECT CAST(run_id AS TEXT) FROM webhook_deliveries WHERE state = 'pending' AND run_id IS NOT NULL",
                    cancellationToken)).Any(runIds.Contains);
                if (!pending)
                {
                    return;
                }
            }

            if (Stopwatch.GetElapsedTime(waited) > limit)
            {
                throw new TimeoutException($"The fan-out's webhooks were not delivered within {limit.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(received ? 250 : 50), TimeProvider.System, cancellationToken);
        }
    }

    private static async Task<HashSet<string>> BatchRunIdsAsync(BenchContext context, string batchId, CancellationToken cancellationToken)
    {
        await using var connection = await context.OpenAsync(cancellationToken);
        var ids = await connection.QueryStringsAsync("SELECT CAST(id AS TEXT) FROM runs WHERE batch_id = @b", cancellationToken, ("b", batchId));
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    private static async Task<string> OutboxStatesAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await using var connection = await context.OpenAsync(cancellationToken);
        var parts = new List<string>();
        foreach (var state in new[] { "delivered", "pending", "dead" })
        {
            var count = await connection.QueryLongAsync("SELECT COUNT(*) FROM webhook_deliveries WHERE state = @s", cancellationToken, ("s", state));
            parts.Add($"{state} {count:N0}");
        }

        return string.Join(", ", parts);
    }

    /// <summary>The run id a sync webhook carries (<c>tributaryRunId</c>), or null.</summary>
    private static string? RunIdOf(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["tributaryRunId"] is JsonValue value
                ? value.GetValueKind() == JsonValueKind.Number ? value.ToJsonString() : value.GetValue<string>()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The same bodies POSTed by <see cref="DeliveryConcurrency"/> loops of one bare client; the receiver's first-to-last rate.</summary>
    private static async Task<double> BarePostsAsync(WebhookReceiver receiver, List<string> bodies, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = TimeSpan.FromSeconds(20) };
        var url = receiver.Url(BareInbox);
        var queue = new ConcurrentQueue<string>(bodies);
        using var held = CollectionsHeldOff.Start();
        var loops = Enumerable.Range(0, DeliveryConcurrency).Select(async _ =>
        {
            while (queue.TryDequeue(out var body))
            {
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await http.PostAsync(url, content, cancellationToken);
                response.EnsureSuccessStatusCode();
            }
        });
        await Task.WhenAll(loops);
        var inbox = receiver.InboxOf(BareInbox);
        if (inbox.Count != bodies.Count)
        {
            throw new InvalidOperationException($"The receiver counted {inbox.Count} bare POSTs; {bodies.Count} were sent.");
        }

        return inbox.Rate;
    }
}
