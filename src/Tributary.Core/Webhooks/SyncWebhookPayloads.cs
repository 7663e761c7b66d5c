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
    /// <remarks>
    /// Built as the other bodies are (<see cref="Base"/>, sorted by <see cref="SortedJson"/>), so Nango's fields are
    /// listed once. A hand-written sorted writer was tried for the completion path (wdrain, 2026-12-06): ~3% of the drain
    /// worker's CPU in a trace and no end-to-end change, so the second field list it needed was not kept.
    /// </remarks>
    public static string Success(SyncRunFacts run, string model, ModelCounts counts) =>
        SortedJson.Serialize(Base(run, model, true, new JsonObject
        {
            ["responseResults"] = Counts(counts),
            ["modifiedAfter"] = Micros.ToIsoString(run.StartedAt),
            ["queryTimeStamp"] = Micros.ToIsoString(run.StartedAt),
        }));

    /// <summary>
    /// The run's failure: every model joined by commas, the error as Nango's <c>script_error</c>, <c>startedAt</c> the
    /// sync's previous last sync date (Nango's value; "now" when it never synced) and <c>failedAt</c>.
    /// </summary>
    public static string Failure(SyncRunFacts run, string error, long failedAt) =>
        SortedJson.Serialize(Base(run, string.Join(',', run.Models), false, new JsonObject
        {
            ["error"] = new JsonObject { ["type"] = "script_error", ["description"] = error },
            ["startedAt"] = Micros.ToIsoString(run.PreviousLastSyncDate ?? failedAt),
            ["failedAt"] = Micros.ToIsoString(failedAt),
        }));

    /// <summary>Ours (opt-in): one webhook per run with every model's counts, success or not.</summary>
    public static string RunSummary(SyncRunFacts run, IReadOnlyDictionary<string, ModelCounts> counts, string? error, long finishedAt)
    {
        var models = new JsonObject();
        foreach (var (model, modelCounts) in counts)
        {
            models[model] = Counts(modelCounts);
        }

        var extra = new JsonObject
        {
            ["type"] = "tributary_sync_run",
            ["models"] = models,
            ["modifiedAfter"] = Micros.ToIsoString(run.StartedAt),
            ["finishedAt"] = Micros.ToIsoString(finishedAt),
        };
        if (error is not null)
        {
            extra["error"] = new JsonObject { ["type"] = "script_error", ["description"] = error };
        }

        var body = Base(run, string.Join(',', run.Models), error is null, extra);
        return SortedJson.Serialize(body);
    }

    private static JsonObject Base(SyncRunFacts run, string model, bool success, JsonObject extra)
    {
        var body = new JsonObject
        {
            ["from"] = "nango",
            ["type"] = "sync",
            ["connectionId"] = run.ConnectionId,
            ["providerConfigKey"] = run.ProviderConfigKey,
            ["syncName"] = run.SyncName,
            ["syncVariant"] = run.SyncVariant,
            ["model"] = model,
            ["syncType"] = run.PreviousLastSyncDate is null ? "INITIAL" : "INCREMENTAL",
            ["success"] = success,
            ["tributaryRunId"] = run.RunId.ToString(CultureInfo.InvariantCulture),
            ["tributaryTrigger"] = run.TriggerSource,
        };
        if (run.Checkpoints is { } checkpoints)
        {
            body["checkpoints"] = new JsonObject { ["from"] = checkpoints.From?.DeepClone(), ["to"] = checkpoints.To?.DeepClone() };
        }

        foreach (var (key, value) in extra.ToList())
        {
            extra.Remove(key);
            body[key] = value;
        }

        return body;
    }

    private static JsonObject Counts(ModelCounts counts) => new()
    {
        ["added"] = counts.Added,
        ["updated"] = counts.Updated,
        ["deleted"] = counts.Deleted,
    };
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
