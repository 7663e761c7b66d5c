namespace Tributary.Server.Validation;

/// <summary>The type names zod prints after "received" for values that came out of <c>JSON.parse</c>.</summary>
internal static class JsonTypeName
{
    public const string Undefined = "undefined";

    public static string Of(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => Undefined,
    };
}
