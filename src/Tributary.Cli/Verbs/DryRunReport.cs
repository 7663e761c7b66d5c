using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Tributary.Cli.Verbs;

/// <summary>A dryrun's output: a summary (per model, the checkpoint, the provider calls) or, with <c>--json</c>, all of it with the records.</summary>
internal static class DryRunReport
{
    public static void WriteSummary(IAnsiConsole console, DryRunOutcome outcome)
    {
        var target = outcome.Target;
        var context = outcome.Context;
        console.WriteLine(
            $"dryrun of {target.Connection.ProviderConfigKey} / {Name(outcome)} on connection {target.Connection.ConnectionId} " +
            $"(function {target.Config.Function}); nothing was written.");
        var models = Terminal.Table("model", "added", "updated", "deleted", "records");
        foreach (var model in target.Config.Models)
        {
            var changes = context.ChangesOf(model);
            models.Row(model, Number(changes.Added), Number(changes.Updated), Number(changes.Deleted), Number(context.LiveRecordsOf(model).Count));
        }

        console.Write(models);
        console.WriteLine($"checkpoint: {context.StoredCheckpoint?.ToJsonString(JsonOutput.Compact) ?? "none"} ({Number(context.CheckpointSaves)} saves)");
        var calls = Terminal.Table("method", "url", "status", "ms");
        foreach (var call in outcome.Calls)
        {
            calls.Row(call.Method, call.Url, call.Status is { } status ? Number(status) : "failed", call.Duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture));
        }

        console.Write(calls);
        foreach (var entry in context.LogEntries)
        {
            console.WriteLine($"log {entry.Level}: {entry.Message}");
        }

        if (outcome.Recorder is { } recorder)
        {
            console.WriteLine($"Saved {Number(recorder.Count)} responses to {recorder.Directory}.");
        }
    }

    public static JsonObject ToJson(DryRunOutcome outcome)
    {
        var target = outcome.Target;
        var context = outcome.Context;
        var models = new JsonObject();
        foreach (var model in target.Config.Models)
        {
            var changes = context.ChangesOf(model);
            models[model] = new JsonObject
            {
                ["added"] = changes.Added,
                ["updated"] = changes.Updated,
                ["deleted"] = changes.Deleted,
                ["records"] = new JsonArray([.. context.LiveRecordsOf(model).Select(r => (JsonNode)r.Payload.DeepClone())]),
                ["deleted_ids"] = new JsonArray([.. context.RecordsOf(model).Where(r => r.IsDeleted).Select(r => (JsonNode)JsonValue.Create(r.Id))]),
            };
        }

        return new JsonObject
        {
            ["provider_config_key"] = target.Connection.ProviderConfigKey,
            ["connection_id"] = target.Connection.ConnectionId,
            ["sync"] = target.Sync.Name,
            ["variant"] = target.Sync.Variant,
            ["function"] = target.Config.Function,
            ["models"] = models,
            ["checkpoint"] = context.StoredCheckpoint,
            ["checkpoint_saves"] = context.CheckpointSaves,
            ["calls"] = new JsonArray([.. outcome.Calls.Select(c => (JsonNode)new JsonObject
            {
                ["method"] = c.Method,
                ["url"] = c.Url,
                ["status"] = c.Status,
                ["duration_ms"] = Math.Round(c.Duration.TotalMilliseconds, 1),
            })]),
            ["logs"] = new JsonArray([.. context.LogEntries.Select(e => (JsonNode)new JsonObject
            {
                ["level"] = e.Level.ToString(),
                ["message"] = e.Message,
            })]),
            ["saved_responses"] = outcome.Recorder is { } recorder
                ? new JsonObject { ["directory"] = recorder.Directory, ["count"] = recorder.Count }
                : null,
            ["error"] = outcome.Failure is { } failure ? $"{failure.GetType().Name}: {failure.Message}" : null,
        };
    }

    private static string Name(DryRunOutcome outcome) =>
        outcome.Target.Sync.Variant == "base" ? outcome.Target.Sync.Name : $"{outcome.Target.Sync.Name}::{outcome.Target.Sync.Variant}";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
