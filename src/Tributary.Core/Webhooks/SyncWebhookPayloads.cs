using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Core.Domain;

namespace Tributary.Core.Webhooks;

/// <summary>
/// The bodies of the sync webhooks, field for field Nango's (<c>packages/webhooks/lib/sync.ts</c>), plus two fields of
/// ours whose names cannot clash with Nango's: <c>tributaryRunId</c> (the run, as the runs API names it) and
/// <c>tributaryTrigger</c> (what queued it: schedule, api, retry).
/// </summary>
internal static class SyncWebhookPayloads
{
    /// <summary>One model's success: counts, sync type, the run's start as <c>modifiedAfter</c>/<c>queryTimeStamp</c>.</summary>
    /// <remarks>
    /// Written field by field in the order <see cref="SortedJson"/> gives these fixed names (the byte-for-byte tests
    /// compare it with the sorted tree of the same fields): every completed run renders one per model on the worker
    /// when "always" is on, and building a <see cref="SortedJsonObject"/> for it was 4.6 µs of a no-op run's CPU
    /// (docs/benchmarks.md, B14.drain, 2026-12-07 22:45). The failure and the run summary are rarer and keep it.
    /// </remarks>
    public static string Success(SyncRunFacts run, string model, ModelCounts counts)
    {
        var text = BodyText.Rent();
        text.Append('{');
        if (run.Checkpoints is { } checkpoints)
        {
            text.Append("\"checkpoints\":{\"from\":");
            SortedJson.Write(text, checkpoints.From);
            text.Append(",\"to\":");
            SortedJson.Write(text, checkpoints.To);
            text.Append("},");
        }

        Text(text, "connectionId", run.ConnectionId).Append(",\"from\":\"nango\",");
        Text(text, "model", model).Append(",\"modifiedAfter\":\"");
        Micros.AppendIso(text, run.StartedAt);
        text.Append("\",");
        Text(text, "providerConfigKey", run.ProviderConfigKey).Append(",\"queryTimeStamp\":\"");
        Micros.AppendIso(text, run.StartedAt);
        text.Append("\",\"responseResults\":{\"added\":");
        Number(text, counts.Added).Append(",\"deleted\":");
        Number(text, counts.Deleted).Append(",\"updated\":");
        Number(text, counts.Updated).Append("},\"success\":true,");
        Text(text, "syncName", run.SyncName).Append(',');
        Text(text, "syncType", SyncType(run)).Append(',');
        Text(text, "syncVariant", run.SyncVariant).Append(",\"tributaryRunId\":\"");
        Number(text, run.RunId).Append("\",");
        Text(text, "tributaryTrigger", run.TriggerSource).Append(",\"type\":\"sync\"}");
        return BodyText.Finish(text);
    }

    private static StringBuilder Text(StringBuilder text, string key, string value)
    {
        text.Append('"').Append(key).Append("\":");
        SortedJson.WriteString(text, value);
        return text;
    }

    private static StringBuilder Number(StringBuilder text, long value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        return text.Append(digits[..written]);
    }

    private static string SyncType(SyncRunFacts run) => run.PreviousLastSyncDate is null ? "INITIAL" : "INCREMENTAL";

    /// <summary>
    /// The run's failure: every model joined by commas, the error as Nango's <c>script_error</c>, <c>startedAt</c> the
    /// failed attempt's start and <c>failedAt</c>.
    /// </summary>
    /// <remarks>
    /// Nango's <c>startedAt</c> is the sync's previous last sync date (the last success), under a name that says the
    /// run's start — a trap its own notes list; the field keeps its name and format and says what it names.
    /// </remarks>
    public static string Failure(SyncRunFacts run, string error, long failedAt) =>
        Base(run, string.Join(',', run.Models), false)
            .Set("error", ScriptError(error))
            .Set("startedAt", Micros.ToIsoString(run.StartedAt))
            .Set("failedAt", Micros.ToIsoString(failedAt))
            .Serialize();

    /// <summary>Ours (opt-in): one webhook per run with every model's counts, success or not.</summary>
    public static string RunSummary(SyncRunFacts run, IReadOnlyDictionary<string, ModelCounts> counts, string? error, long finishedAt)
    {
        var models = new SortedJsonObject();
        foreach (var (model, modelCounts) in counts)
        {
            models.Set(model, Counts(modelCounts));
        }

        var body = Base(run, string.Join(',', run.Models), error is null)
            .Set("type", "tributary_sync_run")
            .Set("models", models)
            .Set("modifiedAfter", Micros.ToIsoString(run.StartedAt))
            .Set("finishedAt", Micros.ToIsoString(finishedAt));
        if (error is not null)
        {
            body.Set("error", ScriptError(error));
        }

        return body.Serialize();
    }

    /// <summary>The fields every sync webhook carries; a body's own fields are set after them (a key set again wins).</summary>
    private static SortedJsonObject Base(SyncRunFacts run, string model, bool success)
    {
        var body = new SortedJsonObject()
            .Set("from", "nango")
            .Set("type", "sync")
            .Set("connectionId", run.ConnectionId)
            .Set("providerConfigKey", run.ProviderConfigKey)
            .Set("syncName", run.SyncName)
            .Set("syncVariant", run.SyncVariant)
            .Set("model", model)
            .Set("syncType", SyncType(run))
            .Set("success", success)
            .Set("tributaryRunId", run.RunId.ToString(CultureInfo.InvariantCulture))
            .Set("tributaryTrigger", run.TriggerSource);
        if (run.Checkpoints is { } checkpoints)
        {
            body.Set("checkpoints", new SortedJsonObject().Set("from", checkpoints.From).Set("to", checkpoints.To));
        }

        return body;
    }

    private static SortedJsonObject ScriptError(string error) =>
        new SortedJsonObject().Set("type", "script_error").Set("description", error);

    private static SortedJsonObject Counts(ModelCounts counts) =>
        new SortedJsonObject().Set("added", counts.Added).Set("updated", counts.Updated).Set("deleted", counts.Deleted);
}

/// <summary>What the sync webhooks of one run say about it.</summary>
/// <param name="StartedAt">The attempt's start, which becomes the sync's last sync date (unix microseconds).</param>
/// <param name="PreviousLastSyncDate">The sync's last sync date before this run; null means this is its first (INITIAL).</param>
/// <param name="Checkpoints">The checkpoint before and after the run, when the run touched it.</param>
internal sealed record SyncRunFacts(
    long RunId,
    string TriggerSource,
    string ConnectionId,
    string ProviderConfigKey,
    string SyncName,
    string SyncVariant,
    IReadOnlyList<string> Models,
    long StartedAt,
    long? PreviousLastSyncDate,
    CheckpointChange? Checkpoints);

internal sealed record CheckpointChange(JsonObject? From, JsonObject? To);
