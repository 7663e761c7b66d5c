using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Tributary.Core.Ports;

namespace Tributary.Core.Telemetry;

/// <summary>
/// The one place Tributary's instruments are defined: one <see cref="Meter"/> and one <see cref="ActivitySource"/>,
/// both named <see cref="Name"/>, and every instrument as a property. To add one, add a property here (name it
/// <c>tributary.&lt;thing&gt;</c>, give it a unit and a description) and increment it where the thing happens;
/// the host exports whatever this meter holds.
/// </summary>
/// <remarks>
/// The queue gauges read the database when a scrape asks (<see cref="QueueGauges"/>, cached for two seconds), so
/// every process reports the same whole-queue figures; the counters count what this process did.
/// </remarks>
public sealed class TributaryMetrics : IDisposable
{
    public const string Name = "Tributary";

    private readonly Meter _meter;
    private readonly QueueGauges _queue;

    public TributaryMetrics(IQueueStatsStore queue, TimeProvider timeProvider, ILogger<TributaryMetrics> logger)
    {
        _meter = new Meter(Name, typeof(TributaryMetrics).Assembly.GetName().Version?.ToString());
        ActivitySource = new ActivitySource(Name, _meter.Version);
        _queue = new QueueGauges(queue, timeProvider, logger);

        RunsClaimed = _meter.CreateCounter<long>("tributary.runs.claimed", "{run}", "Run attempts claimed by this process's workers.");
        RunsFinished = _meter.CreateCounter<long>(
            "tributary.runs.finished",
            "{run}",
            "Run attempts that ended in this process, by result: succeeded, failed, cancelled (lease lost: cancelled, reset, reaped) or handed_back (shutdown, storage error).");
        RunDuration = _meter.CreateHistogram<double>("tributary.run.duration", "s", "How long a run attempt took from claim to end, by result.");
        RecordsWritten = _meter.CreateCounter<long>("tributary.records.written", "{record}", "Records changed by runs of this process, by action: added, updated, deleted.");
        TokenRefreshes = _meter.CreateCounter<long>("tributary.token.refreshes", "{refresh}", "Access token refreshes, by result: success or failure.");
        ProviderCalls = _meter.CreateCounter<long>("tributary.provider.http.calls", "{call}", "HTTP calls of sync functions to providers, by method and status class (2xx…5xx, or error when no answer came).");
        ProviderCallDuration = _meter.CreateHistogram<double>("tributary.provider.http.duration", "s", "Duration of HTTP calls to providers, by method and status class.");
        WebhookDeliveries = _meter.CreateCounter<long>("tributary.webhook.deliveries", "{delivery}", "Webhook delivery attempts, by result: delivered, failed (retried later) or dead (given up).");
        WebhookFailures = _meter.CreateCounter<long>("tributary.webhook.failures", "{delivery}", "Webhook delivery attempts that failed (error status, timeout or no connection).");
        WebhookLatency = _meter.CreateHistogram<double>("tributary.webhook.latency", "s", "Time from a webhook's commit to its delivery.");
        RunLogLinesDropped = _meter.CreateCounter<long>("tributary.run_logs.dropped", "{line}", "Run log lines dropped because the writer was too far behind or the database refused them.");
        _meter.CreateObservableGauge("tributary.queue.depth", () => _queue.Read().Queued, "{run}", "Queued runs (every environment).");
        _meter.CreateObservableGauge("tributary.runs.running", () => _queue.Read().Running, "{run}", "Running runs (every environment).");
        _meter.CreateObservableGauge("tributary.queue.oldest_age", () => _queue.OldestAgeSeconds(), "s", "Age of the oldest queued run; 0 when nothing is queued.");
    }

    /// <summary>Spans around runs and their HTTP calls; exported only when an OTLP endpoint is configured.</summary>
    public ActivitySource ActivitySource { get; }

    public Counter<long> RunsClaimed { get; }

    public Counter<long> RunsFinished { get; }

    public Histogram<double> RunDuration { get; }

    public Counter<long> RecordsWritten { get; }

    /// <summary>Incremented by the token refresher (tag <c>result</c>: success or failure).</summary>
    public Counter<long> TokenRefreshes { get; }

    public Counter<long> ProviderCalls { get; }

    public Histogram<double> ProviderCallDuration { get; }

    /// <summary>Incremented by the webhook delivery workers (tag <c>result</c>: delivered, failed or dead).</summary>
    public Counter<long> WebhookDeliveries { get; }

    public Counter<long> WebhookFailures { get; }

    public Histogram<double> WebhookLatency { get; }

    public Counter<long> RunLogLinesDropped { get; }

    /// <summary>Counts a finished attempt and its duration under one result name.</summary>
    public void RunFinished(string result, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("result", result);
        RunsFinished.Add(1, tag);
        RunDuration.Record(duration.TotalSeconds, tag);
    }

    public void Dispose()
    {
        ActivitySource.Dispose();
        _meter.Dispose();
    }
}
