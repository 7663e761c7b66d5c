using System.Text.Json.Nodes;

namespace Tributary.Sdk.Testing.Tests;

/// <summary>Calls a function may make on a sync declaring the model <c>Deal</c>, each with an outcome both contexts must share.</summary>
internal static class ParityCases
{
    public static IReadOnlyDictionary<string, Func<SyncContext, CancellationToken, Task<string>>> All { get; } =
        new Dictionary<string, Func<SyncContext, CancellationToken, Task<string>>>(StringComparer.Ordinal)
        {
            ["record without id"] = (c, t) => SaveAsync(c, """{"name":"x"}""", t),
            ["id neither string nor number"] = (c, t) => SaveAsync(c, """{"id":true}""", t),
            ["null id"] = (c, t) => SaveAsync(c, """{"id":null}""", t),
            ["empty id"] = (c, t) => SaveAsync(c, """{"id":""}""", t),
            ["id of 256 characters"] = (c, t) => SaveAsync(c, $$"""{"id":"{{new string('x', 256)}}"}""", t),
            ["record not an object"] = async (c, t) => Describe(await c.BatchSaveAsync(["text"], "Deal", t)),
            ["undeclared model"] = async (c, t) => Describe(await c.BatchSaveAsync([new { id = "a" }], "Contact", t)),
            ["update without id"] = async (c, t) => Describe(await c.BatchUpdateAsync([new { name = "x" }], "Deal", t)),
            ["delete without id"] = async (c, t) => Describe(await c.BatchDeleteAsync([new { name = "x" }], "Deal", t)),
            ["checkpoint with a nested object"] = (c, t) => CheckpointAsync(c, new JsonObject { ["page"] = new JsonObject { ["n"] = 1 } }, t),
            ["checkpoint with an array"] = (c, t) => CheckpointAsync(c, new JsonObject { ["pages"] = new JsonArray(1, 2) }, t),
            ["checkpoint with a null"] = (c, t) => CheckpointAsync(c, new JsonObject { ["cursor"] = null }, t),
            ["checkpoint with 17 keys"] = (c, t) => CheckpointAsync(c, new JsonObject(Enumerable.Range(0, 17).Select(i => KeyValuePair.Create($"k{i}", (JsonNode?)i))), t),
            ["checkpoint with a long string"] = (c, t) => CheckpointAsync(c, new JsonObject { ["cursor"] = new string('x', 4001) }, t),
            ["checkpoint with a long key"] = (c, t) => CheckpointAsync(c, new JsonObject { [new string('k', 256)] = 1 }, t),
            ["checkpoint with a date"] = (c, t) => CheckpointAsync(c, new JsonObject { ["since"] = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromHours(2)) }, t),
            ["list with a foreign cursor"] = ListWithForeignCursorAsync,
            ["track deletes end without start"] = async (c, t) => string.Join(",", await c.TrackDeletesEndAsync("Deal", t)),
            ["save, save again, update, delete"] = WriteSequenceAsync,
            ["track deletes window"] = TrackDeletesWindowAsync,
        };

    /// <summary>What the case returned, or the type and message of what it threw.</summary>
    public static async Task<string> OutcomeAsync(string name, SyncContext context, CancellationToken cancellationToken)
    {
        try
        {
            return "ok: " + await All[name](context, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"{ex.GetType().FullName}: {ex.Message}";
        }
    }

    private static async Task<string> SaveAsync(SyncContext context, string record, CancellationToken cancellationToken) =>
        Describe(await context.BatchSaveAsync([JsonNode.Parse("""{"id":"fine"}""")!, JsonNode.Parse(record)], "Deal", cancellationToken));

    private static async Task<string> CheckpointAsync(SyncContext context, JsonObject checkpoint, CancellationToken cancellationToken)
    {
        await context.SaveCheckpointAsync(checkpoint, cancellationToken);
        return (await context.GetCheckpointAsync(cancellationToken))?.ToJsonString() ?? "none";
    }

    private static async Task<string> ListWithForeignCursorAsync(SyncContext context, CancellationToken cancellationToken)
    {
        await foreach (var record in context.ListRecordsAsync("Deal", "bm90LWEtY3Vyc29y", cancellationToken))
        {
            return record.Id;
        }

        return "empty";
    }

    private static async Task<string> WriteSequenceAsync(SyncContext context, CancellationToken cancellationToken)
    {
        var first = await context.BatchSaveAsync(
            [JsonNode.Parse("""{"id":42,"name":"Ada","address":{"city":"Oslo","zip":"0150"},"tags":["x"]}"""), JsonNode.Parse("""{"id":"b"}"""), JsonNode.Parse("""{"id":"42"}""")],
            "Deal",
            cancellationToken);
        var again = await context.BatchSaveAsync([new { id = "b" }], "Deal", cancellationToken);
        var update = await context.BatchUpdateAsync([JsonNode.Parse("""{"id":"42","address":{"city":"Bergen"},"tags":["y","z"]}"""), JsonNode.Parse("""{"id":"missing"}""")], "Deal", cancellationToken);
        var delete = await context.BatchDeleteAsync([new { id = "b" }, new { id = "b" }, new { id = "missing" }], "Deal", cancellationToken);
        var stored = await context.GetRecordsByIdsAsync(["42", "b"], "Deal", cancellationToken);
        var listed = new List<string>();
        await foreach (var record in context.ListRecordsAsync("Deal", null, cancellationToken))
        {
            listed.Add($"{record.Id}:{record.Metadata.LastAction}");
        }

        return string.Join(" | ", Describe(first), Describe(again), Describe(update), Describe(delete),
            stored["42"].Payload.ToJsonString(), stored["b"].Metadata.LastAction, string.Join(",", listed));
    }

    private static async Task<string> TrackDeletesWindowAsync(SyncContext context, CancellationToken cancellationToken)
    {
        await context.BatchSaveAsync([new { id = "a" }, new { id = "b" }, new { id = "c" }], "Deal", cancellationToken);
        await context.TrackDeletesStartAsync("Deal", cancellationToken);
        await context.BatchSaveAsync([JsonNode.Parse("""{"id":"a"}"""), JsonNode.Parse("""{"id":"b","changed":true}""")], "Deal", cancellationToken);
        var deleted = await context.TrackDeletesEndAsync("Deal", cancellationToken);
        return string.Join(",", deleted);
    }

    private static string Describe(BatchResult result) => $"{result.Added}/{result.Updated}/{result.Deleted}/{result.Unchanged}";
}
