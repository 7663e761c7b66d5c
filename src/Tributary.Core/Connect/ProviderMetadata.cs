using System.Text.Json.Nodes;
using Tributary.Core.Providers;

namespace Tributary.Core.Connect;

/// <summary>
/// What a provider tells about a connection while it is made, kept in its connection config as Nango keeps it
/// (reference §A.4 step 7): the template's <c>token_response_metadata</c> fields of the code exchange's answer (strings
/// and booleans; a dotted name reads a nested field and is kept under that dotted name) and its
/// <c>redirect_uri_metadata</c> parameters of the callback; the config the flow already had wins unless its value is
/// empty.
/// </summary>
internal static class ProviderMetadata
{
    public static JsonObject Merge(ProviderDefinition provider, JsonObject tokenAnswer, IReadOnlyDictionary<string, string>? callbackQuery, JsonObject config)
    {
        if (provider.TokenResponseMetadata.Count == 0 && provider.RedirectUriMetadata.Count == 0)
        {
            return config;
        }

        var merged = new JsonObject();
        foreach (var name in provider.TokenResponseMetadata)
        {
            if (Find(tokenAnswer, name) is JsonValue value && (value.TryGetValue<string>(out _) || value.TryGetValue<bool>(out _)))
            {
                merged[name] = value.DeepClone();
            }
        }

        foreach (var name in provider.RedirectUriMetadata)
        {
            if (callbackQuery is not null && callbackQuery.TryGetValue(name, out var value))
            {
                merged[name] = value;
            }
        }

        foreach (var (name, value) in config)
        {
            if (value is not JsonValue text || !text.TryGetValue<string>(out var s) || s.Length > 0 || !merged.ContainsKey(name))
            {
                merged[name] = value?.DeepClone();
            }
        }

        return merged;
    }

    private static JsonNode? Find(JsonObject answer, string dottedName)
    {
        JsonNode? node = answer;
        foreach (var part in dottedName.Split('.'))
        {
            node = node is JsonObject obj ? obj[part] : null;
        }

        return node;
    }
}
