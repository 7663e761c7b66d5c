using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Configuration;
using Tributary.Sdk.Paging;

namespace Tributary.Core.Declarative;

/// <summary>Turns the items of a page into the records a <c>rest:</c> sync saves: the id under <c>id</c>, then the selected fields (or the whole item).</summary>
internal static class RestRecords
{
    /// <exception cref="RestSyncException">An item is not an object, or has no usable id.</exception>
    public static List<JsonObject> Map(RestSyncDefinition definition, IReadOnlyList<JsonElement> items, int page)
    {
        var records = new List<JsonObject>(items.Count);
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new RestSyncException($"Page {page}: a record is a JSON {item.ValueKind.ToString().ToLowerInvariant()}, not an object (check rest.records).");
            }

            var id = JsonPath.Find(item, definition.IdField) switch
            {
                { ValueKind: JsonValueKind.String } text when !string.IsNullOrEmpty(text.GetString()) => JsonValue.Create(text),
                { ValueKind: JsonValueKind.Number } number => JsonValue.Create(number),
                _ => throw new RestSyncException($"Page {page}: a record has no '{definition.IdField}' (rest.id) that is a string or a number."),
            };

            JsonObject record;
            if (definition.Fields.Count == 0)
            {
                record = JsonObject.Create(item)!;
                record["id"] = id;
            }
            else
            {
                record = new JsonObject { ["id"] = id };
                foreach (var field in definition.Fields)
                {
                    record[field.Name] = JsonPath.Find(item, field.Source) is { } value ? Node(value) : null;
                }
            }

            records.Add(record);
        }

        return records;
    }

    private static JsonNode? Node(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => JsonObject.Create(value),
        JsonValueKind.Array => JsonArray.Create(value),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => JsonValue.Create(value),
    };
}
