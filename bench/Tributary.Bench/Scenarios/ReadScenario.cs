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

        // The real limits (issue 14). One reader reads each page from the database AND serves it over HTTP, one after
        // the other, so the limit of a page is the sum of the two costs: the raw keyset read of its payload bytes plus
        // a bare Kestrel answering the server's own page of the same size to the same client. The binding baseline is
        // that composite, 1 / (1/raw + 1/static); the ratios to each part stay in the figure's note.
        var firstPage = await api.GetRecordsPageAsync(BenchNames.Bench, BenchNames.RecordsConnection, BenchNames.ItemModel, Limit, null, cancellationToken);
        var firstPage1000 = await api.GetRecordsPageAsync(BenchNames.Bench, BenchNames.RecordsConnection, BenchNames.ItemModel, 1000, null, cancellationToken);
        await using var staticPage = await StaticPageServer.StartAsync(firstPage, firstPage1000, cancellationToken);
        var (staticPages, staticSeconds) = await PageStaticAsync(api, staticPage.Page, pages, context.Profile.PhaseBudget, cancellationToken);
        var single = pages / seconds;
        var raw = rawPages / rawSeconds;
        var served = staticPages / staticSeconds;
        var limit100 = Composite(raw, served);
        context.Results.Set(FigureCatalog.B8SingleLimit, single, pages,
            $"pre-built page of {firstPage.Length:N0} bytes; real limit = raw read + static serve: {limit100:N0} pages/s; "
            + $"raw keyset {raw:N0} pages/s ({single / raw:P0}), static page {served:N0} pages/s ({single / served:P0})");
        context.Results.SetBaseline(FigureCatalog.B8SingleLimit, limit100);

        var (records1000, seconds1000) = await RecordsPerSecondAsync(api, 1000, context.Profile.PhaseBudget, cancellationToken);
        var (rawPages1000, rawSeconds1000) = await BareRecordsEndpoint.RawKeysetAsync(
            context.Database, connectionId, BenchNames.ItemModel, 1000, context.Profile.PhaseBudget, cancellationToken);
        var rawRecords1000 = Math.Min(rawPages1000 * 1000.0, context.Profile.Records) / rawSeconds1000;
        var pages1000 = (int)Math.Max(1, records1000 / 1000);
        var (staticPages1000, staticSeconds1000) = await PageStaticAsync(api, staticPage.LargePage, pages1000, context.Profile.PhaseBudget, cancellationToken);
        var servedRecords1000 = staticPages1000 * 1000.0 / staticSeconds1000;
        var limit1000 = Composite(rawRecords1000, servedRecords1000);
        var rate1000 = records1000 / seconds1000;
        context.Results.Set(FigureCatalog.B8Page1000, rate1000, 1,
            $"{records1000:N0} records in {seconds1000:0.0} s; real limit = raw read + static serve: {limit1000:N0} records/s; "
            + $"raw keyset {rawRecords1000:N0} records/s ({rate1000 / rawRecords1000:P0}), static page of {firstPage1000.Length:N0} bytes {servedRecords1000:N0} records/s ({rate1000 / servedRecords1000:P0})");
        context.Results.SetBaseline(FigureCatalog.B8Page1000, limit1000);
        context.Info($"B8 real limits: static page {served:N0} pages/s, composite {limit100:N0}; limit=1000 {rate1000:N0} records/s, raw bytes {rawRecords1000:N0} records/s, static page {servedRecords1000:N0} records/s, composite {limit1000:N0}");

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
        var limit = await ConcurrentAsync(readers, duration, async (_, token) =>
        {
            await api.GetBytesAsync(staticPage.Page, token);
            return null;
        }, cancellationToken);
        context.Results.Set(FigureCatalog.B8P99Ratio, Stats.Percentile(server.Latencies, 99), server.Latencies.Count);
        context.Results.SetBaseline(FigureCatalog.B8P99Ratio, Stats.Percentile(limit.Latencies, 99));
        context.Results.Set(FigureCatalog.B8Concurrent, server.PagesPerSecond, server.Latencies.Count);
        context.Results.SetBaseline(FigureCatalog.B8Concurrent, baseline.PagesPerSecond);
        context.Info($"B8 {readers} readers: server p99 {Stats.Percentile(server.Latencies, 99):0.0} ms, {server.PagesPerSecond:N0} pages/s; bare p99 {Stats.Percentile(baseline.Latencies, 99):0.0} ms, {baseline.PagesPerSecond:N0} pages/s; static page p99 {Stats.Percentile(limit.Latencies, 99):0.0} ms, {limit.PagesPerSecond:N0} pages/s");
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

    /// <summary>The rate of doing two things one after the other, each at its own rate: the read, then the serve.</summary>
    private static double Composite(double first, double second) => 1 / ((1 / first) + (1 / second));

    /// <summary>Fetches a pre-built page as many times as the server's pass had pages, for at most <paramref name="budget"/>.</summary>
    private static async Task<(int Pages, double Seconds)> PageStaticAsync(BenchApi api, Uri page, int count, TimeSpan budget, CancellationToken cancellationToken)
    {
        var pages = 0;
        var started = Stopwatch.GetTimestamp();
        while (pages < count && Stopwatch.GetElapsedTime(started) < budget)
        {
            await api.GetBytesAsync(page, cancellationToken);
            pages++;
        }

        return (pages, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>Pages the server with <paramref name="limit"/> from the start, for at most <paramref name="budget"/>: records read and seconds.</summary>
    private static async Task<(long Records, double Seconds)> RecordsPerSecondAsync(BenchApi api, int limit, TimeSpan budget, CancellationToken cancellationToken)
    {
        string? cursor = null;
        long records = 0;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < budget)
        {
            var page = await api.GetRecordsPageAsync(BenchNames.Bench, BenchNames.RecordsConnection, BenchNames.ItemModel, limit, cursor, cancellationToken);
            cursor = RecordPages.NextCursor(page);
            if (cursor is null)
            {
                using var document = System.Text.Json.JsonDocument.Parse(page);
                records += document.RootElement.GetProperty("records").GetArrayLength();
                break;
            }

            records += limit;
        }

        return (records, Stopwatch.GetElapsedTime(started).TotalSeconds);
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
