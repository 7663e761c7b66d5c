using System.Globalization;
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
    public static string Success(SyncRunFacts run, string model, ModelCounts counts)
    {
        var started = Micros.ToIsoString(run.StartedAt);
        return Base(run, model, true)
            .Set("responseResults", Counts(counts))
            .Set("modifiedAfter", started)
            .Set("queryTimeStamp", started)
            .Serialize();
    }

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
            .Set("syncType", run.PreviousLastSyncDate is null ? "INITIAL" : "INCREMENTAL")
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
