using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Core.Declarative;

/// <summary>What a <c>rest:</c> block's placeholders read: the connection's config, its metadata and the sync's checkpoint.</summary>
internal sealed class RestValues(JsonObject connectionConfig, JsonObject metadata, JsonObject checkpoint)
{
    /// <summary>The value of <c>namespace.key.sub</c> as text, or null when absent or not a scalar.</summary>
    public string? Find(string name)
    {
        var parts = name.Split('.');
        JsonNode? node = parts[0] switch
        {
            "connectionConfig" => connectionConfig,
            "metadata" => metadata,
            "checkpoint" => checkpoint,
            _ => null,
        };
        for (var index = 1; index < parts.Length && node is not null; index++)
        {
            node = node is JsonObject obj ? obj[parts[index]] : null;
        }

        return node is JsonValue value ? Text(value) : null;
    }

    private static string? Text(JsonValue value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.Number => value.ToJsonString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
