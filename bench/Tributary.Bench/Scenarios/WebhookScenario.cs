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
/// completion but sends none (<c>TRIBUTARY_WEBHOOK_CONCURRENCY=0</c>), against the same worker's drains without
/// webhooks, taken in turn (<see cref="DrainWithWebhooks"/>); then a fresh
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
    public const string WarmAgainInbox = "hook-warm-again";
    private const string BareInbox = "bare";
    private const string BareWorkerInbox = "bare-worker";

    /// <summary>Runs of the bare baseline in the delivery worker; the best counts (its first POSTs warm its client).</summary>
    private const int BareRounds = 2;

    /// <summary>The timelines' bins and the gaps they list (a 100 ms stall is a tenth of a warm outbox's time).</summary>
    private static readonly TimeSpan TimelineBin = TimeSpan.FromMilliseconds(20);

    private static readonly TimeSpan TimelineGap = TimeSpan.FromMilliseconds(10);

    /// <summary>The delivery workers' concurrency per process (<c>WebhookOptions.Concurrency</c>'s default), for the baseline.</summary>
    private const int DeliveryConcurrency = 16;

    /// <summary>Turns webhooks on (to <paramref name="inbox"/>) and queues the fan-out again (the API process; no worker claims from it yet: none runs, or it is paused). Returns the batch id.</summary>
    public static async Task<string> TriggerAsync(BenchContext context, BenchApi api, WebhookReceiver receiver, string inbox, CancellationToken cancellationToken)
    {
        await api.PatchWebhookSettingsAsync(new JsonObject
        {
            ["primary_url"] = receiver.Url(inbox).AbsoluteUri,
            ["on_sync_completion_always"] = true,
        }, cancellationToken);
        return await QueueFanoutAsync(api, cancellationToken);
    }

    /// <summary>Turns webhooks off and queues the fan-out again (no worker claims from it yet: none runs, or it is paused), for the drains without webhooks. Returns the batch id.</summary>
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

    /// <summary>One fan-out's drain: B4's measure of it, and for a warm drain what it cost (resume to the drain's end).</summary>
    public sealed record Drain(string BatchId, double Rate, double Seconds, long Succeeded, CpuSplit? Cpu = null)
    {
        /// <summary>The worker's and the database's CPU a run, e.g. <c>worker 112 µs, database 0 µs, …</c>.</summary>
        public string CpuPerRun => Cpu is { } cpu ? cpu.PerItem((int)Succeeded, "worker") : "not taken";
    }

    /// <summary>A drain worker's fan-outs: the first drained fresh, webhooks off, then drains with and without webhooks in turn.</summary>
    public sealed record AlternatingDrains(Drain First, IReadOnlyList<Drain> Plain, IReadOnlyList<Drain> WithWebhooks)
    {
        public double PlainRate => Plain.Average(drain => drain.Rate);

        public double WebhooksRate => WithWebhooks.Average(drain => drain.Rate);

        /// <summary>The drain whose outbox is kept, for the delivery measures: the last one (<see cref="AlternatingOrder"/> ends with webhooks).</summary>
        public Drain LastWithWebhooks => WithWebhooks[^1];

        public static string Rates(IReadOnlyList<Drain> drains) => string.Join(" / ", drains.Select(drain => $"{drain.Rate:N0}"));

        /// <summary>The worker's CPU a run over <paramref name="drains"/>, e.g. <c>worker 112 µs, database 0 µs, …</c>.</summary>
        public static string CpuPerRun(IReadOnlyList<Drain> drains) =>
            drains.All(drain => drain.Cpu is not null)
                ? drains.Aggregate(default(CpuSplit), (sum, drain) => sum + drain.Cpu!.Value).PerItem((int)drains.Sum(drain => drain.Succeeded), "worker")
                : "not taken";
    }

    /// <summary>
    /// The order of the warm drains, true with webhooks: ABBA twice, so that a drift of the machine or of the database
    /// over the minute they take weighs on both sides alike, and the last has webhooks (its outbox is delivered next).
    /// </summary>
    public static readonly IReadOnlyList<bool> AlternatingOrder = [true, false, false, true, true, false, false, true];

    /// <summary>
    /// B14.drain: the mean of one warm worker's drains with webhooks (outbox rows written, delivery off) against the
    /// mean of its drains without, taken in turn (<see cref="AlternatingOrder"/>).
    /// <para>
    /// Why one worker in turn (since 2026-12-07 23:15): until then each side was the best of three warm drains of its own
    /// worker, the plain worker's first. Those maxima moved 75–105% of each other in medium runs of unchanged code
    /// (2026-12-07 22:45–23:15, docs/benchmarks.md): two processes, a minute apart, on a database growing by a
    /// fan-out a drain, compared at their luckiest drain. Drains of one process, interleaved, differ only in the
    /// setting. Why warm (since 2026-12-07): a fresh worker drains 10,000 no-op runs in about 1.5 s on SQLite while
    /// it is still compiling its code; a profile put +26 µs a run of the +59 µs the webhooks cost in the JIT compiler
    /// (2026-12-07 04:30): a cost a worker pays once in its life, not per run. The fresh drain (webhooks off) is in
    /// the note, and so is each drain's rate and the CPU a run of each side.
    /// </para>
    /// </summary>
    public static void DrainWithWebhooks(BenchContext context, AlternatingDrains drains)
    {
        var expected = context.Profile.FanoutConnections;
        var b4 = context.Results.Value(FigureCatalog.B4Drain) ?? double.NaN;
        var (plain, hooked) = (AlternatingDrains.Rates(drains.Plain), AlternatingDrains.Rates(drains.WithWebhooks));
        var (plainCpu, hookedCpu) = (AlternatingDrains.CpuPerRun(drains.Plain), AlternatingDrains.CpuPerRun(drains.WithWebhooks));
        context.Info($"B14 baseline: B4's drain again, webhooks off, the mean of one warm worker's {drains.Plain.Count} drains {drains.PlainRate:N0} runs/s ({plain}; CPU a run: {plainCpu}); its first, fresh, {drains.First.Rate:N0}; B4 earlier in the run {b4:N0}");
        context.Results.Set(
            FigureCatalog.B14Drain,
            drains.WebhooksRate,
            drains.WithWebhooks.Count,
            $"{expected:N0} of {expected:N0} succeeded in each drain; the mean of {drains.WithWebhooks.Count} warm drains with webhooks ({hooked} runs/s) against the same worker's {drains.Plain.Count} without ({plain}), in turn (with, without, without, with, twice); "
                + $"CPU a run: {hookedCpu} against {plainCpu}; the worker's first drain, fresh, webhooks off: {drains.First.Rate:N0} runs/s; B4 earlier in the run: {b4:N0} runs/s");
        context.Results.SetBaseline(FigureCatalog.B14Drain, drains.PlainRate);
        context.Info($"B14.drain {drains.WebhooksRate:N0} runs/s, the mean of the worker's drains with webhooks ({hooked}; without {drains.PlainRate:N0}: {plain}); CPU a run {hookedCpu} (without webhooks {plainCpu})");
    }

    /// <summary>
    /// The outbox rows the runs of <paramref name="batchId"/> wrote must be one per run with webhooks on and none
    /// without (a worker's cached settings live a second): a drain that wrote the other side's rows measured nothing.
    /// </summary>
    public static async Task CheckOutboxRowsAsync(BenchContext context, string batchId, bool withWebhooks, CancellationToken cancellationToken)
    {
        await using var connection = await context.OpenAsync(cancellationToken);
        var rows = await connection.QueryLongAsync(
            """
            SELECT COUNT(*) FROM webhook_deliveries
            WHERE run_id BETWEEN (SELECT MIN(id) FROM runs WHERE batch_id = @b) AND (SELECT MAX(id) FROM runs WHERE batch_id = @b)
            """,
            cancellationToken,
            ("b", batchId));
        var expected = withWebhooks ? context.Profile.FanoutConnections : 0;
        if (rows != expected)
        {
            throw new InvalidOperationException($"A drain {(withWebhooks ? "with" : "without")} webhooks wrote {rows:N0} outbox rows, not {expected:N0}.");
        }
    }

    /// <summary>
    /// Deletes the pending outbox rows of <paramref name="batchId"/>'s runs and every older run's: a drain that only
    /// measured the drain sent none, and the next drain must meet the outbox the first one met, not one growing by a
    /// fan-out each time. By run id, not by a join with the batch: on PostgreSQL that plan took 8 s a batch.
    /// </summary>
    public static async Task DiscardWebhooksAsync(BenchContext context, string batchId, CancellationToken cancellationToken)
    {
        await using var connection = await context.OpenAsync(cancellationToken);
        var lastRun = await connection.QueryLongAsync("SELECT MAX(id) FROM runs WHERE batch_id = @b", cancellationToken, ("b", batchId));
        await using var delete = connection.RawCommand("DELETE FROM webhook_deliveries WHERE state = 'pending' AND run_id <= @last")
            .With("last", lastRun);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        if (context.Database.Dialect.IsPostgres)
        {
            // Otherwise the deleted rows' dead tuples wait for autovacuum, which may run inside the next timed drain
            // (the bench counts every PostgreSQL process's CPU as the database's).
            await using var vacuum = connection.RawCommand("VACUUM webhook_deliveries");
            await vacuum.ExecuteNonQueryAsync(cancellationToken);
        }

        context.Info($"B14 the {deleted:N0} pending webhooks of a drain that only measured the drain discarded");
    }

    /// <summary>B4's measure of this batch's drain by a fresh worker, as <paramref name="figure"/>, against <paramref name="withoutWebhooks"/> (the mean of the warm drains without webhooks, <see cref="DrainWithWebhooks"/>).</summary>
    public static async Task MeasureDrainAsync(BenchContext context, string batchId, FigureSpec figure, double withoutWebhooks, CancellationToken cancellationToken)
    {
        var expected = context.Profile.FanoutConnections;
        var (drain, seconds, succeeded) = await FanoutScenario.MeasureDrainAsync(context, batchId, cancellationToken);
        var b4 = context.Results.Value(FigureCatalog.B4Drain) ?? double.NaN;
        context.Results.Set(figure, drain, 1, $"{succeeded:N0} of {expected:N0} succeeded; first start to last finish {seconds:0.00} s; a fresh worker; the baseline is B4's drain again, webhooks off, the mean of a warm worker's drains (B4 earlier in the run: {b4:N0} runs/s)");
        context.Results.SetBaseline(figure, withoutWebhooks);
        context.Info($"{figure.Name} {drain:N0} runs/s (the warm drains without webhooks {withoutWebhooks:N0}; B4 {b4:N0})");
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
    /// B14.rate: the better of a third and a fourth full outbox (<see cref="WarmOutboxAsync"/>), delivered by the worker
    /// that delivered the first two (paused while each filled), first to last POST, against the same bodies POSTed bare by that worker (<see cref="BareFromWorkerAsync"/>); the
    /// second outbox's rate, the fresh worker's rate of the first and the bare POSTs from the bench process go in the note.
    /// Returns that baseline.
    /// </summary>
    public static async Task<double> MeasureWarmDeliveryAsync(
        BenchContext context,
        BenchApi api,
        WebhookReceiver receiver,
        IReadOnlyList<WarmOutbox> warm,
        (double FromBench, IReadOnlyList<string> Bodies) bare,
        double fresh,
        double warmOnce,
        CancellationToken cancellationToken)
    {
        var best = warm.MaxBy(outbox => outbox.Rate) ?? throw new InvalidOperationException("No warm outbox was delivered.");
        var rate = best.Rate;
        var deliverySeconds = best.Count > 1 ? (best.Count - 1) / rate : 0;
        var rates = string.Join(" and ", warm.Select(outbox => $"{outbox.Rate:N0}"));
        var fromWorker = await BareFromWorkerAsync(context, api, receiver, bare.Bodies, cancellationToken);
        context.Results.Set(
            FigureCatalog.B14Rate,
            rate,
            best.Count,
            $"{best.Count:N0} deliveries of a full outbox over {deliverySeconds:0.00} s by a worker that had delivered two before, the better of its third and fourth outboxes ({rates} webhooks/s; the receiver's collections {best.Held}); "
                + $"the bare baseline is that worker's best of {BareRounds} runs posting the same bodies; from the bench process they went at {bare.FromBench:N0}/s ({Share(rate, bare.FromBench)}); "
                + $"the second outbox, same worker (the measure before 2026-12-05 16:10): {warmOnce:N0} webhooks/s ({Share(warmOnce, fromWorker)}); the first, fresh: {fresh:N0} webhooks/s ({Share(fresh, fromWorker)})");
        context.Results.SetBaseline(FigureCatalog.B14Rate, fromWorker);
        context.Info($"B14 delivery rate, warm worker: {rate:N0}/s over {deliverySeconds:0.00} s (the better of {rates}); bare POSTs from the same worker {fromWorker:N0}/s ({Share(rate, fromWorker)}), from the bench process {bare.FromBench:N0}/s ({Share(rate, bare.FromBench)}); after one outbox {warmOnce:N0}/s; fresh {fresh:N0}/s");
        context.Info($"B14 timeline, bare POSTs from the bench process: {receiver.InboxOf(BareInbox).Timeline(TimelineBin, TimelineGap)}");
        return fromWorker;
    }

    /// <summary>A full outbox delivered by the warm worker: its first-to-last rate, POSTs, and how the receiver's collections went.</summary>
    public sealed record WarmOutbox(double Rate, int Count, string Held);

    /// <summary>
    /// Waits for <paramref name="inboxName"/> to receive <paramref name="batchId"/>'s deliveries from
    /// <paramref name="sender"/> (resumed at <paramref name="atResume"/>), ends <paramref name="held"/> then, and
    /// logs its rate, CPU per delivery and timeline.
    /// </summary>
    public static async Task<WarmOutbox> WarmOutboxAsync(
        BenchContext context, WebhookReceiver receiver, ServerProcess sender, CpuSplit atResume, CollectionsHeldOff held, string inboxName, string batchId, CancellationToken cancellationToken)
    {
        var inbox = receiver.InboxOf(inboxName);
        using (held)
        {
            await WaitForDeliveriesAsync(context, inbox, batchId, cancellationToken);
        }

        var cpu = CpuSplit.Take(sender) - atResume;
        context.Info($"B14 delivery rate, warm worker, {inboxName}: {inbox.Rate:N0}/s (second half {inbox.SecondHalfRate:N0}/s; the receiver's collections {held.Describe()})");
        context.Info($"B14 CPU per delivery of {inboxName}, resume to the wait's end: {cpu.PerItem(inbox.Count, "worker")}");
        context.Info($"B14 timeline, warm worker, {inboxName}: {inbox.Timeline(TimelineBin, TimelineGap)}");
        return new(inbox.Rate, inbox.Count, held.Describe());
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
