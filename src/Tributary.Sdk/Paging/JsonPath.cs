using System.Text.Json;

namespace Tributary.Sdk.Paging;

/// <summary>
/// Dotted paths into a JSON body, as Nango's templates write them (lodash <c>get</c>): at each level a key that holds
/// the whole remaining path wins, so <c>@odata.nextLink</c> is one key, while <c>paging.next.after</c> walks three.
/// </summary>
internal static class JsonPath
{
    /// <summary>The value at <paramref name="path"/>, or <see langword="null"/> when a step is missing or not an object.</summary>
    public static JsonElement? Find(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (element.TryGetProperty(path, out var whole))
        {
            return whole;
        }

        for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
        {
            if (element.TryGetProperty(path[..dot], out var head) && Find(head, path[(dot + 1)..]) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
