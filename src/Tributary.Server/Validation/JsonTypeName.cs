namespace Tributary.Server.Validation;

/// <summary>The type names zod prints after "received" for values that came out of <c>JSON.parse</c>.</summary>
internal static class JsonTypeName
{
    public const string Undefined = "undefined";

    public static string Of(JsonElement value) => Of(value.ValueKind);

    /// <summary>The same for a parsed node; a JSON <c>null</c> is a null node.</summary>
    public static string Of(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        null => "null",
        System.Text.Json.Nodes.JsonObject => "object",
        System.Text.Json.Nodes.JsonArray => "array",
        _ => Of(node.GetValueKind()),
    };

    private static string Of(JsonValueKind kind) => kind switch
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
