using System.Text.Json.Nodes;

namespace Tributary.Server.Http;

/// <summary>
/// An <see cref="ApiError"/> as the wire's <see cref="ErrorBody"/>: issues only when there are some, and every part
/// bounded here, whoever built the error, so an answer stays small whatever was sent (docs/api.md, limits).
/// </summary>
internal static class ErrorBodies
{
    public static ErrorBody From(ApiError error) => new(
        new ErrorDetail(
            error.Code,
            error.Message is null ? null : Bounded(error.Message),
            error.Errors is { Count: > 0 } issues
                ? issues.Take(InputLimits.MaxIssues)
                    .Select(i => new ErrorIssue(i.Code, Bounded(i.Message), i.Path.Select(segment => InputLimits.Bounded(segment)).ToList()))
                    .ToList()
                : null,
            BoundedCopy(error.Payload)),
        Bounded(error.TopLevelMessage));

    private static string Bounded(string message) => InputLimits.Bounded(message, InputLimits.MaxMessageChars);

    /// <summary>A payload echoes what was asked for (a connection id, say): its keys and strings are cut like messages.</summary>
    private static JsonNode? BoundedCopy(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(InputLimits.Bounded(p.Key), BoundedCopy(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(BoundedCopy)]),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(Bounded(value.GetValue<string>())),
        _ => node.DeepClone(),
    };
}
