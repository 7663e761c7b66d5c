using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Bench.Functions;

internal static class BenchMetadata
{
    public static int ReadInt(JsonObject metadata, string key, int fallback, int min, int max)
    {
        if (!metadata.TryGetPropertyValue(key, out var node) || node is null)
        {
            return fallback;
        }

        var text = node.GetValueKind() switch
        {
            JsonValueKind.Number => node.ToJsonString(),
            JsonValueKind.String => node.GetValue<string>(),
            _ => null,
        };
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"Metadata '{key}' must be a whole number from {min} to {max}; got {node.ToJsonString()}.");
        }

        return (int)value;
    }

    /// <summary>The text under <paramref name="key"/>, or null when it is missing or not a string.</summary>
    public static string? ReadString(JsonObject metadata, string key) =>
        metadata[key] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>The absolute URL under <paramref name="key"/>; anything else is the run's error.</summary>
    public static Uri ReadAbsoluteUrl(JsonObject metadata, string key) =>
        ReadString(metadata, key) is { } text && Uri.TryCreate(text, UriKind.Absolute, out var url)
            ? url
            : throw new ArgumentException($"Metadata '{key}' must be an absolute URL.");
}
