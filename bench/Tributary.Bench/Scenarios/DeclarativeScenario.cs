using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Bench.Infrastructure;
using Tributary.Bench.Reporting;
using Tributary.FakeProviders;
using Tributary.Storage.Sql;

namespace Tributary.Bench.Scenarios;

/// <summary>
/// B13: a declarative <c>rest:</c> sync against the hand-written C# function that reads the same API
/// (<c>bench-paged</c>), in the same run: both read N items from the fake providers' offset-paged endpoint (pages
/// of 1,000, on loopback in the bench process) and save them as fresh records. The rate is items over each run's
/// own start-to-finish time, best of two rounds; the C# run is the baseline, and the order alternates between
/// rounds so that neither always gets the warmer worker.
/// </summary>
internal static class DeclarativeScenario
{
    public const string Integration = "paged";
    public const string RestSync = "rest-items";
    public const string CodeSync = "code-items";
    private const string Provider = "bench-paged";

    /// <summary>The issue's size at medium and full; the quick profile's records count when smaller.</summary>
    public static int Items(BenchProfile profile) => Math.Min(profile.Records, 100_000);

    /// <summary>
    /// The integration and its two syncs, appended to the bench's configuration. The provider's base URL comes
    /// from the connection's config, because the fake API's port is known only once it runs.
    /// </summary>
    public static void AppendConfig(StringBuilder writer)
    {
        writer.AppendLine($"  {Integration}:");
        writer.AppendLine($"    provider: {Provider}");
        writer.AppendLine("    syncs:");
        writer.AppendLine($"      {RestSync}:");
        writer.AppendLine("        models: [RestItem]");
        writer.AppendLine("        frequency: every 1d");
        writer.AppendLine("        auto_start: false");
        writer.AppendLine("        sync_type: full");
        writer.AppendLine("        rest:");
        writer.AppendLine("          path: /offset/items");
        writer.AppendLine("          paginate: { type: offset, offset_name_in_request: offset, limit_name_in_request: limit, limit: 1000 }");
        writer.AppendLine("          records: items");
        writer.AppendLine("          id: id");
        writer.AppendLine($"      {CodeSync}:");
        writer.AppendLine("        function: bench-paged");
        writer.AppendLine("        models: [CodeItem]");
        writer.AppendLine("        frequency: every 1d");
        writer.AppendLine("        auto_start: false");
        writer.AppendLine("        sync_type: full");
        writer.AppendLine("providers:");
        writer.AppendLine($"  {Provider}:");
        writer.AppendLine("    auth_mode: NONE");
        writer.AppendLine("    proxy:");
        writer.AppendLine("      base_url: ${connectionConfig.base_url}");
    }

    public static async Task RunAsync(BenchContext context, BenchApi api, CancellationToken cancellationToken)
    {
        var items = Items(context.Profile);
        await using var fakes = await FakeProviders.FakeProviders.StartAsync(new FakeProvidersOptions { HubSpotContacts = items }, cancellationToken);
        fakes.HubSpot.RequireAuthentication = false;
        const int rounds = 2;
        var rest = new List<double>();
        var code = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // A fresh connection per round: both runs save fresh records, as B5 measures ingest.
            var connectionId = "paged-" + round.ToString(CultureInfo.InvariantCulture);
            await CreateConnectionAsync(api, context.Launch.SecretKey, connectionId, fakes.HubSpot.BaseUrl, cancellationToken);
            // The order alternates: the first run of a fresh worker pays for its JIT and the database's first pages.
            if (round % 2 == 0)
            {
                code.Add(await RateAsync(context, api, CodeSync, connectionId, "CodeItem", items, cancellationToken));
                rest.Add(await RateAsync(context, api, RestSync, connectionId, "RestItem", items, cancellationToken));
            }
            else
            {
                rest.Add(await RateAsync(context, api, RestSync, connectionId, "RestItem", items, cancellationToken));
                code.Add(await RateAsync(context, api, CodeSync, connectionId, "CodeItem", items, cancellationToken));
            }
        }

        var restRate = rest.Max();
        var codeRate = code.Max();
        var note = $"{items:N0} items, pages of 1,000; best of {rounds}: rest: {string.Join(", ", rest.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))}; C#: {string.Join(", ", code.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))}";
        context.Results.Set(FigureCatalog.B13Declarative, restRate, rounds, note);
        context.Results.SetBaseline(FigureCatalog.B13Declarative, codeRate);
        context.Info($"B13 declarative {restRate:N0} records/s, hand-written C# {codeRate:N0} records/s ({restRate / codeRate:P0}); {note}");
    }

    private static async Task CreateConnectionAsync(BenchApi api, string secretKey, string connectionId, Uri baseUrl, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = api.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
        var body = new JsonObject
        {
            ["provider_config_key"] = Integration,
            ["connection_id"] = connectionId,
            ["credentials"] = new JsonObject { ["type"] = "NONE" },
            ["connection_config"] = new JsonObject { ["base_url"] = baseUrl.ToString() },
        };
        using var response = await http.PostAsJsonAsync("connections", body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating connection {connectionId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static async Task<double> RateAsync(BenchContext context, BenchApi api, string sync, string connectionId, string model, int items, CancellationToken cancellationToken)
    {
        var response = await api.TriggerAsync(Integration, [sync], connectionId, cancellationToken);
        var runId = (string)response["runs"]![0]!["run_id"]!;
        var run = await api.WaitForRunAsync(runId, TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500), cancellationToken);
        if ((string?)run["state"] != "succeeded")
        {
            throw new InvalidOperationException($"B13 run {runId} of {sync} ended {(string?)run["state"]}: {(string?)run["error"]}");
        }

        var added = (long?)run["result"]?[model]?["added"] ?? 0;
        if (added != items)
        {
            throw new InvalidOperationException($"B13 run {runId} of {sync} added {added} records; the API holds {items}.");
        }

        await using var connection = await context.OpenAsync(cancellationToken);
        await using var command = connection.RawCommand("SELECT attempt_started_at, finished_at FROM runs WHERE id = @id")
            .With("id", long.Parse(runId, CultureInfo.InvariantCulture));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var seconds = (reader.GetInt64(1) - reader.GetInt64(0)) / 1e6;
        return items / seconds;
    }
}
