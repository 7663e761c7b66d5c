using System.Globalization;
using Tributary.Bench.Scenarios;

namespace Tributary.Bench.Reporting;

/// <summary>One figure the suite reports for each database: a stable name, what it measures, its unit and target.</summary>
internal sealed record FigureSpec(string Name, Func<BenchProfile, string> Title, string Unit, Target Target, string Baseline);

/// <summary>
/// Every figure of issue 5, and issue 14's real-limit ratios (a pre-built page on bare Kestrel, raw payload bytes, a minimal upsert table). The quick profile fails when one of them is missing for a database; the full profile
/// writes them all into docs/benchmarks.md. Targets follow the issue; "(ref.)" marks extra ones from
/// shared/reference/performance-and-reliability.md §4.
/// </summary>
internal static class FigureCatalog
{
    public static readonly FigureSpec B1P50 = new("B1.p50", p => $"B1 trigger → first line, idle, {N(p.IdleTriggers)} sequential triggers: p50", "ms", Target.AtMost(15, "ms"), "insert + signal + claim round trip, p50");
    public static readonly FigureSpec B1P99 = new("B1.p99", p => "B1 same: p99", "ms", Target.AtMost(100, "ms"), "round trip, p99");
    public static readonly FigureSpec B1Max = new("B1.max", p => "B1 same: max (ref.)", "ms", Target.AtMost(1000, "ms"), "round trip, max");
    public static readonly FigureSpec B2P50 = new("B2.p50", p => $"B2 trigger → first line with {p.LoadSyncs} syncs running and ingest saturated, {N(p.LoadedTriggers)} triggers: p50", "ms", Target.None, "idle round trip, p50");
    public static readonly FigureSpec B2P99 = new("B2.p99", p => "B2 same: p99", "ms", Target.AtMost(250, "ms"), "idle round trip, p99");
    public static readonly FigureSpec B2Ingest = new("B2.ingest", p => "B2 records written per second by the load syncs meanwhile", "records/s", Target.None, "—");
    public static readonly FigureSpec B3Response = new("B3.response", p => $"B3 one POST /sync/trigger for {N(p.FanoutConnections)} connections: answered, every run durable", "ms", Target.AtMost(2000, "ms"), "raw INSERT … SELECT of the same run rows");
    public static readonly FigureSpec B3Duplicates = new("B3.duplicates", p => "B3 immediate repeat: runs queued twice for one sync", "runs", Target.AtMost(0, "runs"), "—");
    public static readonly FigureSpec B4Drain = new("B4.drain", p => $"B4 draining those {N(p.FanoutConnections)} no-op runs (worker process, 200 slots)", "runs/s", Target.AtLeastOrShare(1000, "runs/s", 0.25), "bare claim-and-complete loop (k=1, 4 loops)");
    public static readonly FigureSpec B5Ingest = new("B5.ingest", p => $"B5 saving {N(p.Records)} fresh ~1 KB records through the SDK (batches of 1,000)", "records/s", Target.AtLeastShareOfBaseline(0.6), "raw batched upsert of the same rows");
    public static readonly FigureSpec B5Minimal = new("B5.vs_minimal", p => "B5 same ingest against the real limit", "records/s", Target.AtLeastShareOfBaseline(0.75), "hash-compare upsert into a minimal table (rowid, unique key, one seq index)");
    public static readonly FigureSpec B6Resave = new("B6.resave", p => "B6 re-saving them unchanged", "records/s", Target.AtLeastShareOfBaseline(0.6), "raw hash-compare upsert pass");
    public static readonly FigureSpec B6Rewritten = new("B6.rewritten", p => "B6 rows rewritten (records after the previous cursor + rows counted changed)", "rows", Target.AtMost(0, "rows"), "—");
    public static readonly FigureSpec B7Resave = new("B7.resave", p => "B7 re-saving them with 10% changed", "records/s", Target.AtLeastShareOfBaseline(0.6), "raw upsert pass, same 10% changed");
    public static readonly FigureSpec B7Cursor = new("B7.cursor_errors", p => "B7 records after the previous cursor that are not exactly the changed ids (missing + extra + repeated)", "records", Target.AtMost(0, "records"), "—");
    public static readonly FigureSpec B8Single = new("B8.single", p => $"B8 GET /records?limit=100 paging {N(p.Records)} records, one reader", "pages/s", Target.AtLeastShareOfBaseline(0.5), "bare endpoint, same keyset query");
    public static readonly FigureSpec B8Raw = new("B8.raw_keyset", p => "B8 raw keyset read of the payload bytes, pages of 100, no HTTP (context)", "pages/s", Target.None, "—");
    public static readonly FigureSpec B8SingleLimit = new("B8.single_vs_static", p => "B8 same one reader (target ≥ 1,500 pages/s on SQLite), against the real limit", "pages/s", Target.AtLeastShareOfBaseline(0.5), "raw keyset read + bare Kestrel serving the same page, one after the other");
    public static readonly FigureSpec B8Page1000 = new("B8.limit1000", p => "B8 GET /records?limit=1000, one reader (target ≥ 200,000 records/s on SQLite)", "records/s", Target.AtLeastShareOfBaseline(0.5), "raw keyset read of 1,000 payloads + bare Kestrel serving the same page, one after the other");
    public static readonly FigureSpec B8ConcurrentP99 = new("B8.p99", p => $"B8 {p.ConcurrentReaders} concurrent readers: p99 (context: issue 14 restated the old ≤ 50 ms as the ratio below)", "ms", Target.None, "bare endpoint p99, 64 readers");
    public static readonly FigureSpec B8P99Ratio = new("B8.p99_vs_static", p => $"B8 {p.ConcurrentReaders} concurrent readers: p99 against the real limit", "ms", Target.AtMostTimesBaseline(1.5), "bare Kestrel with a pre-built page, p99, same readers");
    public static readonly FigureSpec B8Concurrent = new("B8.concurrent", p => $"B8 {p.ConcurrentReaders} concurrent readers: throughput", "pages/s", Target.None, "bare endpoint, 64 readers");
    public static readonly FigureSpec B9Small = new("B9.claim_small", p => $"B9 claim of 1 run, {N(p.BacklogLevels[0])} queued: p50", "ms", Target.None, "LIMIT-first claim primitive, p50");
    public static readonly FigureSpec B9Medium = new("B9.claim_medium", p => $"B9 claim of 1 run, {N(p.BacklogLevels[1])} queued: p50", "ms", Target.None, "LIMIT-first claim primitive, p50");
    public static readonly FigureSpec B9Large = new("B9.claim_large", p => $"B9 claim of 1 run, {N(p.BacklogLevels[2])} queued: p50", "ms", Target.None, "LIMIT-first claim primitive, p50");
    public static readonly FigureSpec B9Growth = new("B9.growth", p => $"B9 p50 at {N(p.BacklogLevels[2])} queued ÷ p50 at {N(p.BacklogLevels[0])}", "×", Target.AtMost(3, "×"), "primitive's growth");
    public static readonly FigureSpec B10Idle = new("B10.idle_tick", p => $"B10 scheduler tick, {N(p.Schedules)} started schedules, nothing due: p50", "ms", Target.AtMost(1, "ms"), "bare due-schedule query");
    public static readonly FigureSpec B10IdleCpu = new("B10.idle_cpu", p => $"B10 server CPU while idle with {N(p.Schedules)} schedules (ref.)", "% of a core", Target.AtMost(2, "%"), "—");
    public static readonly FigureSpec B10Burst = new("B10.burst", p => $"B10 all {N(p.Schedules)} schedules due after an outage: every run queued", "s", Target.AtMost(5, "s"), "raw materialisation, 1,000 per transaction");
    public static readonly FigureSpec B10Batch = new("B10.batch", p => "B10 largest scheduler transaction in that burst", "runs", Target.AtMost(1000, "runs"), "—");
    public static readonly FigureSpec B11Idle = new("B11.rss_idle", p => "B11 worker RSS, no run (after draining the fan-out)", "MB", Target.None, "—");
    public static readonly FigureSpec B11Mid = new("B11.rss_mid", p => $"B11 worker RSS, {p.HoldMid} concurrent no-op runs", "MB", Target.None, "—");
    public static readonly FigureSpec B11High = new("B11.rss_high", p => $"B11 worker RSS, {p.HoldHigh} concurrent no-op runs", "MB", Target.AtMost(512, "MB"), "—");
    public static readonly FigureSpec B11PerRun = new("B11.per_run", p => "B11 RSS added per running no-op run (ref.)", "MB", Target.AtMost(2, "MB"), "—");
    public static readonly FigureSpec B11Small = new("B11.peak_small", p => $"B11 worker peak RSS after one run saving {N(p.SmallRecords)} records", "MB", Target.None, "—");
    public static readonly FigureSpec B11Large = new("B11.peak_large", p => $"B11 the same worker's peak RSS after it also saved {N(p.Records)} records in one run", "MB", Target.AtMostTimesBaseline(1.25), "peak after the small run");
    public static readonly FigureSpec B12Client = new("B12.client", p => $"B12 Tributary.Client reading {N(p.Records)} records as IAsyncEnumerable, pages of 1,000", "pages/s", Target.AtLeastShareOfBaseline(0.9), "raw HttpClient paging of the same endpoint");
    public static readonly FigureSpec B13Declarative = new("B13.declarative", p => $"B13 declarative rest: sync of {N(DeclarativeScenario.Items(p))} items from a fake offset-paged API", "records/s", Target.AtLeastShareOfBaseline(0.8), "the hand-written C# function reading the same API, same run");
    public static readonly FigureSpec B12Heap = new("B12.heap", p => "B12 the client's managed heap, peak over the whole read", "MB", Target.AtMostTimesBaseline(1.5), "peak over the first tenth of the pages");
    public static readonly FigureSpec B14Delivered = new("B14.delivered", p => "B14 the B4 fan-out again with on_sync_completion_always: sync webhooks delivered, counted at the receiver", "webhooks", Target.EqualsBaseline(), "expected: one per run of the fan-out");
    public static readonly FigureSpec B14Rate = new("B14.rate", p => "B14 webhook delivery rate: the outbox full, a worker that has delivered before delivers it, first to last POST received", "webhooks/s", Target.AtLeastShareOfBaseline(0.5), "bare POSTs of the same bodies from the delivery worker's own process (best of 2), same receiver, same concurrency (16)");
    public static readonly FigureSpec B14Drain = new("B14.drain", p => $"B14 draining the {N(p.FanoutConnections)} no-op runs with webhooks on, outbox rows written, delivery deferred (the mean of a warm worker's 4 drains, 200 slots)", "runs/s", Target.AtLeastShareOfBaseline(0.9), "B4's drain again, webhooks off: the same worker's 4 warm drains, in turn with those");
    public static readonly FigureSpec B14RatePaced = new("B14.rate_paced", p => "B14 context: delivery rate while the same worker drains the runs that write them, first to last POST (paced by the drain)", "webhooks/s", Target.None, "bare POSTs, as B14.rate");
    public static readonly FigureSpec B14DrainLive = new("B14.drain_live", p => "B14 context: the same drain with delivery running beside it in the worker", "runs/s", Target.None, "B4's drain again, webhooks off: B14.drain's baseline");
    public static readonly FigureSpec B15ProxyP50 = new("B15.proxy_p50", p => "B15 GET /proxy/… to a loopback fake API: p50 added over calling the fake directly", "ms", Target.AtMost(1, "ms"), "direct call, same client, p50");
    public static readonly FigureSpec B15ProxyP99 = new("B15.proxy_p99", p => "B15 same: p99 added", "ms", Target.AtMost(5, "ms"), "direct call, same client, p99");
    public static readonly FigureSpec B15ContextHttp = new("B15.context_http", p => "B15 a run's GETs through SyncContext.Http to the fake", "requests/s", Target.AtLeastShareOfBaseline(0.8), "bare HttpClient, same GETs and concurrency, same worker");
    public static readonly FigureSpec B16NodeLimit1000 = new("B16.node_limit1000", p => $"B16 @nangohq/node listRecords paging {N(p.Records)} records, limit=1000", "records/s", Target.None, "B12's Tributary.Client, same dataset (records/s)");
    public static readonly FigureSpec B16NodeLimit100 = new("B16.node_limit100", p => "B16 @nangohq/node listRecords, limit=100", "pages/s", Target.None, "the same node client against bare Kestrel answering a pre-built page of the same bytes");

    public static IReadOnlyList<FigureSpec> All { get; } =
    [
        B1P50, B1P99, B1Max, B2P50, B2P99, B2Ingest, B3Response, B3Duplicates, B4Drain,
        B5Ingest, B5Minimal, B6Resave, B6Rewritten, B7Resave, B7Cursor, B8Single, B8Raw, B8SingleLimit, B8Page1000,
        B8ConcurrentP99, B8P99Ratio, B8Concurrent,
        B9Small, B9Medium, B9Large, B9Growth, B10Idle, B10IdleCpu, B10Burst, B10Batch,
        B11Idle, B11Mid, B11High, B11PerRun, B11Small, B11Large, B12Client, B12Heap, B13Declarative,
        B14Delivered, B14Rate, B14Drain, B14RatePaced, B14DrainLive, B15ProxyP50, B15ProxyP99, B15ContextHttp, B16NodeLimit1000, B16NodeLimit100,
    ];

    private static string N(int value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
