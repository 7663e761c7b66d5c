using System.Text.Json.Nodes;
using Tributary.Core.Configuration;
using Tributary.Sdk.Paging;

namespace Tributary.Core.Declarative;

/// <summary>The first request of a <c>rest:</c> sync's run: its URL (path, query, watermark) and its body, placeholders filled.</summary>
internal static class RestRequest
{
    /// <exception cref="RestSyncException">The path names a value the connection does not have.</exception>
    public static string Endpoint(RestSyncDefinition definition, RestValues values, RestWatermark watermark)
    {
        // A value in the path is one segment: escaped, so a '/' or '?' in metadata cannot reach another endpoint.
        var path = RestTemplate.Fill(definition.Path, name => values.Find(name) is { } value ? Uri.EscapeDataString(value) : null)
            ?? throw new RestSyncException($"rest.path '{definition.Path}' names a value this connection does not have ({Missing(definition.Path, values)}).");
        var url = path.TrimStart('/');
        foreach (var (name, template) in definition.Query)
        {
            // As Nango's templates: a parameter whose placeholder has no value (a first run's checkpoint) is left out.
            if (RestTemplate.Fill(template, values.Find) is { } value)
            {
                url = QueryString.Set(url, name, value);
            }
        }

        if (definition.Incremental is { } incremental && watermark.Since() is { } since)
        {
            url = QueryString.Set(url, incremental.Param, since);
        }

        return url;
    }

    /// <summary>The body as JSON text with every string's placeholders filled, or null without a body.</summary>
    /// <exception cref="RestSyncException">A string of the body names a value the connection does not have.</exception>
    public static string? Body(RestSyncDefinition definition, RestValues values) =>
        definition.Body is null ? null : Fill(definition.Body.DeepClone(), values)?.ToJsonString();

    private static JsonNode? Fill(JsonNode? node, RestValues values)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    obj[name] = Fill(obj[name], values);
                }

                return obj;
            case JsonArray array:
                for (var index = 0; index < array.Count; index++)
                {
                    array[index] = Fill(array[index]?.DeepClone(), values);
                }

                return array;
            case JsonValue value when value.TryGetValue<string>(out var text):
                return JsonValue.Create(RestTemplate.Fill(text, values.Find)
                    ?? throw new RestSyncException($"rest.body's '{text}' names a value this connection does not have ({Missing(text, values)})."));
            default:
                return node;
        }
    }

    private static string Missing(string template, RestValues values)
    {
        var missing = new List<string>();
        var at = 0;
        while ((at = template.IndexOf("${", at, StringComparison.Ordinal)) >= 0 && template.IndexOf('}', at) is var end and > 0)
        {
            var name = template[(at + 2)..end].Trim();
            if (values.Find(name) is null)
            {
                missing.Add("${" + name + "}");
            }

            at = end + 1;
        }

        return string.Join(", ", missing);
    }
}
