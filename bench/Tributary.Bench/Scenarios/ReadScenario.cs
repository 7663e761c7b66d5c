using System.Diagnostics;
using System.Globalization;
using Tributary.Bench.Baselines;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B8: paging the records of <c>rec</c> with <c>limit=100</c>: one reader through the whole dataset, then many
/// concurrent readers for a fixed time — against the server and against the bare endpoint, same client.
/// </summary>
internal static class ReadScenario
{
    private const int Limit = 100;

    /// <returns>The cursor of the dataset's last record (B6 and B7 check what comes after it).</returns>
    public static async Task<string> RunAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var connectionId = await context.ConnectionDbIdAsync(BenchNames.RecordsConnection, cancellationToken);
        var (pages, seconds, lastCursor) = await PageServerAsync(api, cancellationToken);
        var expectedPages = (context.Profile.Records + Limit - 1) / Limit;
        context.Results.Set(FigureCatalog.B8Single, pages / seconds, pages, $"{pages:N0} pages in {seconds:0.0} s");
        await using var bare = await BareRecordsEndpoint.StartAsync(context.Database, connectionId, BenchNames.ItemModel, cancellationToken);
        var (barePages, bareSeconds) = await PageBareAsync(api, bare, context.Profile.PhaseBudget, cancellationToken);
        context.Results.SetBaseline(FigureCatalog.B8Single, barePages / bareSeconds);
        var (rawPages, rawSeconds) = await BareRecordsEndpoint.RawKeysetAsync(
            context.Database, connectionId, BenchNames.ItemModel, Limit, context.Profile.PhaseBudget, cancellationToken);
        context.Results.Set(FigureCatalog.B8Raw, rawPages / rawSeconds, rawPages);
        context.Info($"B8 one reader: server {pages / seconds:N0} pages/s ({pages} of {expectedPages}), bare {barePages / bareSeconds:N0}, raw {rawPages / rawSeconds:N0}");

        var readers = context.Profile.ConcurrentReaders;
        var duration = context.Profile.ConcurrentReadDuration;
        var server = await ConcurrentAsync(readers, duration, async (cursor, token) =>
        {
            var page = await api.GetRecordsPageAsync(BenchNames.Bench, BenchNames.RecordsConnection, BenchNames.ItemModel, Limit, cursor, token);
            return RecordPages.NextCursor(page);
        }, cancellationToken);
        var baseline = await ConcurrentAsync(readers, duration, async (cursor, token) =>
        {
            var page = await api.GetBytesAsync(bare.Page(cursor is null ? 0 : long.Parse(cursor, CultureInfo.InvariantCulture), Limit), token);
            return RecordPages.NextCursor(page);
        }, cancellationToken);
        context.Results.Set(FigureCatalog.B8ConcurrentP99, Stats.Percentile(server.Latencies, 99), server.Latencies.Count, $"p50 {Stats.Percentile(server.Latencies, 50):0.0} ms");
        context.Results.SetBaseline(FigureCatalog.B8ConcurrentP99, Stats.Percentile(baseline.Latencies, 99));
        context.Results.Set(FigureCatalog.B8Concurrent, server.PagesPerSecond, server.Latencies.Count);
        context.Results.SetBaseline(FigureCatalog.B8Concurrent, baseline.PagesPerSecond);
        context.Info($"B8 {readers} readers: server p99 {Stats.Percentile(server.Latencies, 99):0.0} ms, {server.PagesPerSecond:N0} pages/s; bare p99 {Stats.Percentile(baseline.Latencies, 99):0.0} ms, {baseline.PagesPerSecond:N0} pages/s");
        return lastCursor;
    }

    private static async Task<(int Pages, double Seconds, string LastCursor)> PageServerAsync(BenchApi api, CancellationToken cancellationToken)
    {
        string? cursor = null;
        var pages = 0;
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var page = await api.GetRecordsPageAsync(BenchNames.Bench, BenchNames.RecordsConnection, BenchNames.ItemModel, Limit, cursor, cancellationToken);
            pages++;
            var next = RecordPages.NextCursor(page);
            if (next is null)
            {
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                return (pages, seconds, RecordPages.LastRecordCursor(page) ?? throw new InvalidOperationException("The last records page is empty."));
            }

            cursor = next;
        }
    }

    /// <summary>Pages the bare endpoint from the start, for at most <paramref name="budget"/> (the rate is what counts).</summary>
    private static async Task<(int Pages, double Seconds)> PageBareAsync(BenchApi api, BareRecordsEndpoint bare, TimeSpan budget, CancellationToken cancellationToken)
    {
        long after = 0;
        var pages = 0;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < budget)
        {
            var page = await api.GetBytesAsync(bare.Page(after, Limit), cancellationToken);
            pages++;
            if (RecordPages.NextCursor(page) is not { } next)
            {
                return (pages, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            after = long.Parse(next, CultureInfo.InvariantCulture);
        }

        return (pages, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    private static async Task<(List<double> Latencies, double PagesPerSecond)> ConcurrentAsync(
        int readers, TimeSpan duration, Func<string?, CancellationToken, Task<string?>> readPage, CancellationToken cancellationToken)
    {
        var latencies = new List<double>[readers];
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, readers).Select(async reader =>
        {
            var own = latencies[reader] = [];
            string? cursor = null;
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var sent = Stopwatch.GetTimestamp();
                cursor = await readPage(cursor, cancellationToken);
                own.Add(Stats.MillisecondsSince(sent));
            }
        }));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        return (all, all.Count / seconds);
    }
}
