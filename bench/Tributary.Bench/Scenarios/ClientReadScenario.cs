using System.Diagnostics;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;
using Tributary.Client;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B12: the .NET client reading every record of <c>rec</c> through <see cref="RecordReader"/> (IAsyncEnumerable,
/// pages of 1,000) against raw <see cref="HttpClient"/> calls to the same endpoint (bytes, next_cursor scanned),
/// same server, same run, alternated twice so neither side gets a warmer cache; the better pass of each counts.
/// The managed heap is sampled on every page: its peak over the whole read against its peak over the first tenth.
/// </summary>
internal static class ClientReadScenario
{
    private const int Limit = 1000;

    public static async Task RunAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        using var client = new TributaryClient(api.BaseUrl, context.Launch.SecretKey);
        double raw = 0, typed = 0;
        var heap = (FirstTenth: 0.0, Peak: 0.0);
        var pages = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            raw = Math.Max(raw, await RawAsync(api, cancellationToken));
            var (rate, passPages, passHeap) = await ClientAsync(client, cancellationToken);
            typed = Math.Max(typed, rate);
            pages = passPages;
            heap = passHeap;
        }

        context.Results.Set(FigureCatalog.B12Client, typed, pages, $"{pages:N0} pages of {Limit:N0}");
        context.Results.SetBaseline(FigureCatalog.B12Client, raw);
        context.Results.Set(FigureCatalog.B12Heap, heap.Peak, pages);
        context.Results.SetBaseline(FigureCatalog.B12Heap, heap.FirstTenth);
        context.Info($"B12 client {typed:N0} pages/s vs raw HttpClient {raw:N0} pages/s ({typed / raw * 100:0}%); heap peak {heap.Peak:0} MB, first tenth {heap.FirstTenth:0} MB");
    }

    private static async Task<double> RawAsync(BenchApi api, CancellationToken cancellationToken)
    {
        string? cursor = null;
        var pages = 0;
        var started = Stopwatch.GetTimestamp();
        do
        {
            var page = await api.GetRecordsPageAsync(BenchNames.Bench, BenchNames.RecordsConnection, BenchNames.ItemModel, Limit, cursor, cancellationToken);
            pages++;
            cursor = RecordPages.NextCursor(page);
        }
        while (cursor is not null);
        return pages / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static async Task<(double Rate, int Pages, (double FirstTenth, double Peak) Heap)> ClientAsync(TributaryClient client, CancellationToken cancellationToken)
    {
        var reader = client.Records.Read(new RecordRequest(BenchNames.Bench, BenchNames.RecordsConnection, BenchNames.ItemModel) { Limit = Limit });
        var samples = new List<double>();
        var seenPages = 0;
        var records = 0L;
        var started = Stopwatch.GetTimestamp();
        await foreach (var record in reader.WithCancellation(cancellationToken))
        {
            records++; // as the raw side does: nothing read from the record
            if (reader.Pages != seenPages)
            {
                seenPages = reader.Pages;
                samples.Add(GC.GetTotalMemory(forceFullCollection: false) / (1024.0 * 1024));
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var tenth = Math.Max(1, samples.Count / 10);
        return (reader.Pages / seconds, reader.Pages, (samples.Take(tenth).Max(), samples.Max()));
    }
}
