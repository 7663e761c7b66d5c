using Microsoft.Extensions.DependencyInjection;
using Tributary.Bench.Baselines;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;
using Tributary.Core.Ports;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// The whole suite on one database, in the order the scenarios need:
/// 1. one all-in-one server (API and worker in one process): setup, B1, B2;
/// 2. an API process with separate worker processes: B3, B4, B11, B5–B8, and
///    the records worker's scheduler then queues the B10 burst;
/// 3. no server: the queue and scheduler measurements that call the engine's stores directly, and the raw
///    queue baselines (they need a queue nobody else claims from); then an idle server for its CPU.
/// A failing step is logged and the suite goes on; its figures are then missing, which the quick profile reports.
/// </summary>
internal sealed partial class DatabaseRun
{
    private readonly BenchContext _context;
    private readonly List<string> _failures = [];

    public DatabaseRun(BenchContext context)
    {
        _context = context;
    }

    public IReadOnlyList<string> Failures => _failures;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_context.Options.Only == BenchOptions.SchedulerOnly)
        {
            await SchedulerOnlyAsync(cancellationToken);
            return;
        }

        if (_context.Options.Only == BenchOptions.DeclarativeOnly)
        {
            await DeclarativeOnlyAsync(cancellationToken);
            return;
        }

        if (_context.Options.Only == BenchOptions.IngestOnly)
        {
            await IngestOnlyAsync(cancellationToken);
            return;
        }

        if (await NewFiguresOnlyAsync(cancellationToken))
        {
            return;
        }

        await AllInOneAsync(cancellationToken);
        await SplitRolesAsync(cancellationToken);
        await WithoutServerAsync(cancellationToken);
    }

    private async Task AllInOneAsync(CancellationToken cancellationToken)
    {
        await using var server = await _context.StartServerAsync("all", 256, "all", cancellationToken);
        using var api = _context.Api(server);
        await Setup.CreateConnectionsAsync(_context, api, cancellationToken);
        await Setup.PreflightAsync(api, cancellationToken);
        await StepAsync("B1", () => LatencyScenario.IdleAsync(_context, api, cancellationToken), cancellationToken);
        await StepAsync("B2", () => LatencyScenario.LoadedAsync(_context, api, cancellationToken), cancellationToken);
    }

    private async Task SplitRolesAsync(CancellationToken cancellationToken)
    {
        // Whatever phase 1 left behind (a run handed back to the queue by the stopping server) must not run here.
        await using (var connection = await _context.OpenAsync(cancellationToken))
        {
            await QueueState.CancelActiveAsync(connection, cancellationToken);
        }

        await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
        using var api = _context.Api(apiServer);
        string? batchId = null;
        await StepAsync("B3", async () => batchId = await FanoutScenario.TriggerAsync(_context, api, cancellationToken), cancellationToken);
        await using (var worker = await _context.StartServerAsync("worker", DrainSlots, "worker-drain", cancellationToken))
        {
            await StepAsync("B4", () => FanoutScenario.DrainAsync(_context, batchId ?? throw new InvalidOperationException("B3 did not run."), cancellationToken), cancellationToken);
            await StepAsync("B11 concurrent", () => MemoryScenario.ConcurrentRunsAsync(_context, api, worker, cancellationToken), cancellationToken);
        }

        await StepAsync("B14", () => WebhooksAsync(api, cancellationToken), cancellationToken);

        // One fresh worker for the records: its peak RSS (a high-water mark) after the small run, then after the big one.
        await using (var worker = await _context.StartServerAsync("worker", 16, "worker-records", cancellationToken))
        {
            await StepAsync("B11 small", async () =>
            {
                var peak = await MemoryScenario.PeakOfRecordsRunAsync(_context, api, worker, BenchNames.SmallConnection, cancellationToken);
                _context.Results.SetBaseline(FigureCatalog.B11Large, peak);
                _context.Results.Set(FigureCatalog.B11Small, peak, 1);
                _context.Info($"B11 peak RSS after a {_context.Profile.SmallRecords:N0}-record run: {peak:0} MB");
            }, cancellationToken);
            string? lastCursor = null;
            await StepAsync("B5", async () =>
            {
                await RecordsScenario.FreshAsync(_context, api, cancellationToken);
                var peak = worker.PeakRssBytes() / (1024.0 * 1024);
                _context.Results.Set(FigureCatalog.B11Large, peak, 1);
                _context.Info($"B11 peak RSS after a {_context.Profile.Records:N0}-record run: {peak:0} MB");
            }, cancellationToken);
            await StepAsync("B8", async () => lastCursor = await ReadScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
            await StepAsync("B12", () => ClientReadScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
            await StepAsync("B15", () => ProxyScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
            await StepAsync("B16", () => NodeClientScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
            await StepAsync("B6", () => RecordsScenario.UnchangedAsync(_context, api, Required(lastCursor), cancellationToken), cancellationToken);
            await StepAsync("B7", () => RecordsScenario.TenPercentAsync(_context, api, Required(lastCursor), cancellationToken), cancellationToken);

            await StepAsync("B13", () => DeclarativeScenario.RunAsync(_context, api, cancellationToken), cancellationToken);

            // The same worker's scheduler queues the burst while its 16 slots drain runs, as a production worker would.
            await StepAsync("B10 burst", () => SchedulerScenario.BurstAsync(_context, api, cancellationToken), cancellationToken);
        }
    }

    /// <summary>
    /// <c>--only B5</c>: the records connections, then B11's two peaks, B5, B6 and B7 as the full suite measures them
    /// (same worker shape, same order of runs on it; B6 and B7 take the previous cursor from one paging of the dataset
    /// instead of B8's reads).
    /// </summary>
    private async Task IngestOnlyAsync(CancellationToken cancellationToken)
    {
        await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
        using var api = _context.Api(apiServer);
        await Setup.CreateRecordsConnectionsAsync(_context, api, cancellationToken);
        await using var worker = await _context.StartServerAsync("worker", 16, "worker-records", cancellationToken);
        await StepAsync("B11 small", async () =>
        {
            var peak = await MemoryScenario.PeakOfRecordsRunAsync(_context, api, worker, BenchNames.SmallConnection, cancellationToken);
            _context.Results.SetBaseline(FigureCatalog.B11Large, peak);
            _context.Results.Set(FigureCatalog.B11Small, peak, 1);
            _context.Info($"B11 peak RSS after a {_context.Profile.SmallRecords:N0}-record run: {peak:0} MB");
        }, cancellationToken);
        await StepAsync("B5", async () =>
        {
            await RecordsScenario.FreshAsync(_context, api, cancellationToken);
            var peak = worker.PeakRssBytes() / (1024.0 * 1024);
            _context.Results.Set(FigureCatalog.B11Large, peak, 1);
            _context.Info($"B11 peak RSS after a {_context.Profile.Records:N0}-record run: {peak:0} MB");
        }, cancellationToken);
        var lastCursor = await RecordPages.LastCursorAsync(api, BenchNames.RecordsConnection, cancellationToken)
            ?? throw new InvalidOperationException("B5 left the records dataset empty.");
        await StepAsync("B6", () => RecordsScenario.UnchangedAsync(_context, api, lastCursor, cancellationToken), cancellationToken);
        await StepAsync("B7", () => RecordsScenario.TenPercentAsync(_context, api, lastCursor, cancellationToken), cancellationToken);
    }

    /// <summary><c>--only B13</c>: the declarative sync against its hand-written twin, on a records worker.</summary>
    private async Task DeclarativeOnlyAsync(CancellationToken cancellationToken)
    {
        await using var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken);
        using var api = _context.Api(apiServer);
        await using var worker = await _context.StartServerAsync("worker", 16, "worker-records", cancellationToken);
        await StepAsync("B13", () => DeclarativeScenario.RunAsync(_context, api, cancellationToken), cancellationToken);
    }

    /// <summary><c>--only B10</c>: the fan-out connections, then B10 as the full suite measures it (same worker shape).</summary>
    private async Task SchedulerOnlyAsync(CancellationToken cancellationToken)
    {
        await using (var apiServer = await _context.StartServerAsync("api", 1, "api", cancellationToken))
        {
            using var api = _context.Api(apiServer);
            await Setup.CreateFanoutConnectionsAsync(_context, api, cancellationToken);
            await using var worker = await _context.StartServerAsync("worker", 16, "worker-records", cancellationToken);
            await StepAsync("B10 burst", () => SchedulerScenario.BurstAsync(_context, api, cancellationToken), cancellationToken);
        }

        await using var stores = QueueScenario.EngineStores(_context);
        var runs = stores.GetRequiredService<IRunQueueStore>();
        await StepAsync("B10 idle tick", () => SchedulerScenario.IdleTickAsync(_context, runs, cancellationToken), cancellationToken);
        await StepAsync("B10 baseline", () => SchedulerScenario.BurstBaselineAsync(_context, cancellationToken), cancellationToken);
    }

    private async Task WithoutServerAsync(CancellationToken cancellationToken)
    {
        await using var stores = QueueScenario.EngineStores(_context);
        var runs = stores.GetRequiredService<IRunQueueStore>();
        await StepAsync("B10 idle tick", () => SchedulerScenario.IdleTickAsync(_context, runs, cancellationToken), cancellationToken);
        await StepAsync("B9", () => QueueScenario.RunAsync(_context, runs, cancellationToken), cancellationToken);
        await StepAsync("B3/B4 baselines", () => FanoutBaselinesAsync(cancellationToken), cancellationToken);
        await StepAsync("B1 baseline", () => RoundTripBaselineAsync(cancellationToken), cancellationToken);
        await StepAsync("B10 baseline", () => SchedulerScenario.BurstBaselineAsync(_context, cancellationToken), cancellationToken);
        await StepAsync("B10 idle CPU", () => SchedulerScenario.IdleCpuAsync(_context, cancellationToken), cancellationToken);
    }

    private async Task FanoutBaselinesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _context.OpenAsync(cancellationToken);
        await QueueState.CancelActiveAsync(connection, cancellationToken);
        await QueueState.MaintainAsync(connection, _context.IsPostgres, cancellationToken);
        var noop = await connection.QueryStringsAsync("SELECT id FROM syncs WHERE name = @n", cancellationToken, ("n", BenchNames.Noop));
        var insert = await RawQueue.BatchInsertMillisecondsAsync(_context.Database, noop, cancellationToken);
        _context.Results.SetBaseline(FigureCatalog.B3Response, insert);

        // SQLite has one writer: more loops only queue on its lock, so its bare loop is a single one.
        var loops = _context.IsPostgres ? 4 : 1;
        var (rate, claimed) = await RawQueue.ClaimCompleteLoopAsync(_context.Database, loops, cancellationToken);
        _context.Results.SetBaseline(FigureCatalog.B4Drain, rate);
        _context.Info($"B3 bare insert of {noop.Count:N0} runs: {insert:0} ms; B4 bare claim-and-complete: {rate:N0} runs/s ({claimed:N0} runs, {loops} loops)");
    }

    private async Task RoundTripBaselineAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _context.OpenAsync(cancellationToken);
        await QueueState.CancelActiveAsync(connection, cancellationToken);
        await QueueState.MaintainAsync(connection, _context.IsPostgres, cancellationToken);
        var probeSync = await connection.QueryStringsAsync(
            "SELECT s.id FROM syncs s JOIN connections c ON c.id = s.connection_id WHERE c.connection_id = @c AND s.name = @n",
            cancellationToken,
            ("c", BenchNames.LatencyConnection),
            ("n", BenchNames.Probe));
        var samples = await RawQueue.RoundTripsAsync(_context.Database, probeSync.Single(), _context.Profile.IdleTriggers, cancellationToken);
        var results = _context.Results;
        results.SetBaseline(FigureCatalog.B1P50, Stats.Percentile(samples, 50));
        results.SetBaseline(FigureCatalog.B1P99, Stats.Percentile(samples, 99));
        results.SetBaseline(FigureCatalog.B1Max, Stats.Max(samples));
        results.SetBaseline(FigureCatalog.B2P50, Stats.Percentile(samples, 50));
        results.SetBaseline(FigureCatalog.B2P99, Stats.Percentile(samples, 99));
        _context.Info($"B1 bare round trip: p50 {Stats.Percentile(samples, 50):0.000} ms, p99 {Stats.Percentile(samples, 99):0.000} ms");
    }

    private async Task StepAsync(string name, Func<Task> step, CancellationToken cancellationToken)
    {
        try
        {
            await step();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _failures.Add($"{name}: {ex.Message}");
            _context.Info($"{name} failed: {ex}");
        }
    }

    private static string Required(string? cursor) => cursor ?? throw new InvalidOperationException("B8 did not produce the last cursor.");
}
