using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Tributary.Bench.Baselines;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B16 (issue 14 item 5): the black-box figure users will see — Nango's own Node client (<c>@nangohq/node</c>'s
/// <c>listRecords</c>, bench/node/list-records.mjs) paging the B5 dataset: records/s at <c>limit=1000</c> next to B12's
/// .NET client, and pages/s at <c>limit=100</c> next to the same Node client paging a bare Kestrel server that answers
/// a pre-built page of the same bytes. Each figure is one node process; only its paging loop is timed (by node).
/// </summary>
internal static class NodeClientScenario
{
    /// <summary>Pages at <c>limit=100</c> at most: enough for a steady rate, cheap at the full profile's million records.</summary>
    private const int MaxSmallPages = 2_000;

    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(10);

    public static async Task RunAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var script = Path.Combine(context.Options.RepoRoot, "bench", "node", "list-records.mjs");
        if (!Directory.Exists(Path.Combine(context.Options.RepoRoot, "bench", "node", "node_modules", "@nangohq", "node")))
        {
            throw new InvalidOperationException("bench/node/node_modules is missing (scripts/bench.sh runs `npm ci` there when node and npm are on PATH).");
        }

        var records = context.Profile.Records;
        var large = await RunNodeAsync(context, script, api.BaseUrl, 1000, records / 1000 + 2, cancellationToken);
        var largeRate = large.Records / large.Seconds;
        context.Results.Set(FigureCatalog.B16NodeLimit1000, largeRate, large.Pages, $"{large.Records:N0} records in {large.Pages:N0} pages, {large.Seconds:0.00} s");
        if (context.Results.Value(FigureCatalog.B12Client) is { } clientPages && large.Pages > 0)
        {
            // Both clients page the same dataset with the same limit, so the same records per page.
            context.Results.SetBaseline(FigureCatalog.B16NodeLimit1000, clientPages * large.Records / large.Pages);
        }

        var pages = Math.Min(MaxSmallPages, records / 100 + 1);
        var small = await RunNodeAsync(context, script, api.BaseUrl, 100, pages, cancellationToken);
        var page = await api.GetRecordsPageAsync(BenchNames.Bench, BenchNames.RecordsConnection, BenchNames.ItemModel, 100, null, cancellationToken);
        await using var server = await StaticPageServer.StartAsync(page, cancellationToken);
        var bare = await RunNodeAsync(context, script, server.Root, 100, small.Pages, cancellationToken);
        context.Results.Set(FigureCatalog.B16NodeLimit100, small.Pages / small.Seconds, small.Pages, $"{small.Pages:N0} pages of {small.Records / Math.Max(1, small.Pages):N0} records, {page.Length / 1024.0:0} KB each");
        context.Results.SetBaseline(FigureCatalog.B16NodeLimit100, bare.Pages / bare.Seconds);
        context.Info($"B16 node listRecords: limit=1000 {largeRate:N0} records/s; limit=100 {small.Pages / small.Seconds:N0} pages/s, bare page server {bare.Pages / bare.Seconds:N0} pages/s");
    }

    private static async Task<(int Pages, long Records, double Seconds)> RunNodeAsync(
        BenchContext context, string script, Uri host, int limit, int maxPages, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        foreach (var argument in new[]
        {
            script, host.AbsoluteUri.TrimEnd('/'), BenchNames.Bench, BenchNames.RecordsConnection, BenchNames.ItemModel,
            limit.ToString(CultureInfo.InvariantCulture), maxPages.ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["BENCH_SECRET_KEY"] = context.Launch.SecretKey;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"node is not on PATH ({ex.Message}); B16 needs Node.js 20 or later.", ex);
        }

        using (process)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(NodeTimeout);
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"node list-records.mjs did not finish within {NodeTimeout.TotalMinutes:0} minutes.");
            }

            var output = await stdout;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"node list-records.mjs exited with {process.ExitCode}: {(await stderr).Trim()}");
            }

            var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                ?? throw new InvalidOperationException("node list-records.mjs printed nothing.");
            var result = JsonNode.Parse(line) ?? throw new InvalidOperationException($"node printed '{line}'.");
            return ((int)result["pages"]!, (long)result["records"]!, (double)result["seconds"]!);
        }
    }
}
