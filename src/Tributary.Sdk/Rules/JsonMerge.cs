using System.Text.Json.Nodes;

namespace Tributary.Sdk.Rules;

/// <summary>batchUpdate's merge: objects merge recursively, everything else (arrays included) is replaced.</summary>
internal static class JsonMerge
{
    public static void Into(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
            {
                Into(targetObject, patchObject);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
