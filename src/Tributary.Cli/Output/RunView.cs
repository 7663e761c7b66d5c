using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace Tributary.Cli.Output;

/// <summary>How a run reads in a table and in the progress line.</summary>
internal static class RunView
{
    public static Table Table(IEnumerable<RunResponse> runs)
    {
        var table = Terminal.Table("run", "integration", "connection", "sync", "state", "records", "queued", "took");
        foreach (var run in runs)
        {
            table.Row(run.Id, run.ProviderConfigKey, run.ConnectionId, Sync(run), run.State, Counts(run.Result), run.QueuedAt, Took(run));
        }

        return table;
    }

    /// <summary>One run in detail: a two-column table of its fields.</summary>
    public static Table Detail(RunResponse run)
    {
        var table = Terminal.Table("field", "value");
        table.Row("id", run.Id);
        table.Row("integration", run.ProviderConfigKey);
        table.Row("connection", run.ConnectionId);
        table.Row("sync", Sync(run));
        table.Row("state", run.State);
        table.Row("trigger", run.TriggerSource + (run.Initiator is { } who ? $" ({who})" : string.Empty));
        table.Row("reset", run.Reset ? (run.EmptyCache ? "yes, cache emptied" : "yes") : "no");
        table.Row("batch", run.BatchId);
        table.Row("attempts", run.Attempts.ToString(CultureInfo.InvariantCulture));
        table.Row("queued", run.QueuedAt);
        table.Row("started", run.StartedAt);
        table.Row("finished", run.FinishedAt);
        table.Row("took", Took(run));
        table.Row("records", Counts(run.Result));
        table.Row("error", run.Error);
        return table;
    }

    public static string Sync(RunResponse run) => run.Variant == "base" ? run.Sync : $"{run.Sync}::{run.Variant}";

    /// <summary>Per-model counts, e.g. <c>Contact +120 ~3 -0, Deal +40</c>; <c>-</c> before any.</summary>
    public static string Counts(RawJson result)
    {
        using var document = JsonDocument.Parse(result.Json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return "-";
        }

        var text = new StringBuilder();
        foreach (var model in document.RootElement.EnumerateObject())
        {
            text.Append(text.Length == 0 ? string.Empty : ", ").Append(model.Name)
                .Append(" +").Append(Count(model.Value, "added"))
                .Append(" ~").Append(Count(model.Value, "updated"))
                .Append(" -").Append(Count(model.Value, "deleted"));
        }

        return text.Length == 0 ? "-" : text.ToString();
    }

    public static string? Took(RunResponse run) =>
        Parse(run.StartedAt) is { } started && Parse(run.FinishedAt) is { } finished ? Seconds(finished - started) : null;

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static long Count(JsonElement model, string name) =>
        model.ValueKind == JsonValueKind.Object && model.TryGetProperty(name, out var value) && value.TryGetInt64(out var n) ? n : 0;

    private static DateTimeOffset? Parse(string? iso) =>
        DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
