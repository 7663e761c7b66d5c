using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Server.Tests.Logs;

/// <summary>
/// <c>GET /metrics</c> after a known workload: its counters agree with the runs API. Alone: the counters of one
/// meter name are process-wide, so no other server may run at the same time in this test process.
/// </summary>
[Collection(Alone)]
public sealed class MetricsTests
{
    public const string Alone = "Metrics (alone: instruments of one meter name are seen process-wide)";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Scrape_AfterAKnownWorkload_CountersMatchTheRunsApi(TestDialect dialect)
    {
        await using var provider = await LoopbackProvider.StartAsync(Ct);
        await using var server = await RunLogTests.StartAsync(dialect, provider.BaseUrl);
        var runIds = new List<string>();
        foreach (var (connection, sync) in new[] { ("a", "ok"), ("b", "ok"), ("c", "ok"), ("d", "failing"), ("e", "failing") })
        {
            await RunLogTests.ConnectAsync(server, connection);
            runIds.Add(await server.TriggerAsync(connection, sync, Ct, integration: "api"));
        }

        foreach (var runId in runIds)
        {
            await server.WaitForRunAsync(runId, Ct);
        }

        var succeeded = await CountRunsAsync(server, "succeeded");
        var failed = await CountRunsAsync(server, "failed");
        var added = 0;
        foreach (var run in (await server.Client.SendAsync(HttpMethod.Get, "runs?limit=100", null, null, Ct))!["runs"]!.AsArray())
        {
            added += run!["result"]!.AsObject().Sum(model => (int)model.Value!["added"]!);
        }

        Assert.Equal((3, 2, 9), (succeeded, failed, added));
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        // A failed run is counted just after its state is written; the exporter also caches an answer briefly.
        var metrics = await Eventually.ValueAsync(
            async token => Parse(await http.GetStringAsync(new Uri("metrics", UriKind.Relative), token)),
            m => Value(m, "tributary_runs_finished_total", "result=\"failed\"") == failed,
            TimeSpan.FromSeconds(15),
            "the failed runs to be counted",
            Ct);

        Assert.Equal(succeeded, Value(metrics, "tributary_runs_finished_total", "result=\"succeeded\""));
        Assert.Equal(runIds.Count, Value(metrics, "tributary_runs_claimed_total", string.Empty));
        Assert.Equal(added, Value(metrics, "tributary_records_written_total", "action=\"added\""));
        Assert.Equal(succeeded, Value(metrics, "tributary_run_duration_seconds_count", "result=\"succeeded\""));
        // Every call the provider answered, retries of its 500s included, and no other.
        Assert.Equal(provider.Succeeded + provider.Failed, Value(metrics, "tributary_provider_http_calls_total", string.Empty));
        Assert.Equal(provider.Failed, Value(metrics, "tributary_provider_http_calls_total", "status_class=\"5xx\""));
        Assert.True(provider.Failed >= failed, $"each failed run met at least one 500 ({provider.Failed} for {failed} runs)");
        Assert.Equal(0, Value(metrics, "tributary_queue_depth", string.Empty));
        Assert.Contains(metrics.Keys, k => k.StartsWith("tributary_queue_oldest_age_seconds{", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TestDialect.Sqlite)]
    [InlineData(TestDialect.Postgres)]
    public async Task Scrape_AfterWebhookDeliveries_CountsEveryAttemptByResult_AndTheLatencyOfTheDelivered(TestDialect dialect)
    {
        await using var receiver = await WebhookReceiver.CreateAsync(listening: true, Ct);
        receiver.Mode = ReceiverMode.Fail;
        await using var server = await Webhooks.WebhookServer.StartAsync(dialect, Ct);
        await Webhooks.WebhookServer.UseReceiverAsync(server, receiver.Url, Ct);
        await server.CreateConnectionAsync("acme", new JsonObject { ["records"] = 5 }, Ct);
        var runId = await server.TriggerAsync("acme", "deals", Ct);
        await server.WaitForRunAsync(runId, Ct);
        await Eventually.TrueAsync(_ => Task.FromResult(receiver.Attempts >= 2), TimeSpan.FromSeconds(30), "two refused attempts", Ct);
        receiver.Mode = ReceiverMode.Accept;
        await Webhooks.WebhookServer.WaitForDeliveriesAsync(server, runId, "delivered", 1, TimeSpan.FromSeconds(30), Ct);

        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var metrics = await Eventually.ValueAsync(
            async token => Parse(await http.GetStringAsync(new Uri("metrics", UriKind.Relative), token)),
            m => Value(m, "tributary_webhook_deliveries_total", "result=\"delivered\"") == 1,
            TimeSpan.FromSeconds(15),
            "the delivered webhook to be counted",
            Ct);

        var attempts = receiver.Attempts;
        Assert.Equal(attempts - 1, Value(metrics, "tributary_webhook_deliveries_total", "result=\"failed\""));
        Assert.Equal(attempts - 1, Value(metrics, "tributary_webhook_failures_total", string.Empty));
        Assert.Equal(0, Value(metrics, "tributary_webhook_deliveries_total", "result=\"dead\""));
        Assert.Equal(1, Value(metrics, "tributary_webhook_latency_seconds_count", string.Empty));
        Assert.True(Value(metrics, "tributary_webhook_latency_seconds_sum", string.Empty) > 0);
    }

    [Fact]
    public async Task Metrics_WithRequireKey_RefuseAScrapeWithoutAKey()
    {
        await using var provider = await LoopbackProvider.StartAsync(Ct);
        await using var server = await RunLogTests.StartAsync(TestDialect.Sqlite, provider.BaseUrl, o => o.MetricsRequireKey = true);
        using var http = new HttpClient { BaseAddress = server.BaseUrl };

        using var anonymous = await http.GetAsync(new Uri("metrics", UriKind.Relative), Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("metrics", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.SecretKey);
        using var keyed = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, keyed.StatusCode);
        Assert.Contains("tributary_queue_depth", await keyed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private static async Task<int> CountRunsAsync(TestServer server, string state) =>
        (await server.Client.SendAsync(HttpMethod.Get, $"runs?state={state}&limit=100", null, null, Ct))!["runs"]!.AsArray().Count;

    /// <summary>Prometheus text: series (name and labels) to value; comments skipped.</summary>
    private static Dictionary<string, double> Parse(string text)
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var end = line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : line.IndexOf(' ', StringComparison.Ordinal);
            var rest = line[end..].Trim().Split(' ');
            series[line[..end]] = double.Parse(rest[0], CultureInfo.InvariantCulture);
        }

        return series;
    }

    /// <summary>The sum of the series named <paramref name="name"/> whose labels contain <paramref name="label"/>.</summary>
    private static double Value(Dictionary<string, double> metrics, string name, string label) =>
        metrics.Where(m => (m.Key == name || m.Key.StartsWith(name + "{", StringComparison.Ordinal)) && m.Key.Contains(label, StringComparison.Ordinal)).Sum(m => m.Value);
}

[CollectionDefinition(MetricsTests.Alone, DisableParallelization = true)]
public sealed class MetricsAlone
{
}
