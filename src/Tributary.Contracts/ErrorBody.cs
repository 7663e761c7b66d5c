using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>Nango's error body: <c>{"error":{"code","message"?,"errors"?,"payload"?}}</c> (with our top-level <c>message</c> mirror).</summary>
/// <param name="Error">The error.</param>
/// <param name="Message">error.message, or a summary of the first validation issue, or the code: for clients generated from the API reference.</param>
public sealed record ErrorBody(
    [property: JsonPropertyName("error")] ErrorDetail Error,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The inner error object.</summary>
/// <param name="Code">Nango's error code, e.g. <c>unknown_connection</c>.</param>
/// <param name="Message">A readable message; absent when the issues say it all.</param>
/// <param name="Errors">The validation issues, when the request failed validation.</param>
/// <param name="Payload">Extra data some errors carry (e.g. the support id of a 500).</param>
public sealed record ErrorDetail(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Message = null,
    [property: JsonPropertyName("errors"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ErrorIssue>? Errors = null,
    [property: JsonPropertyName("payload"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonNode? Payload = null);

/// <summary>One validation issue (zod's shape).</summary>
/// <param name="Code">The zod issue code, e.g. <c>invalid_type</c>, <c>unrecognized_keys</c>.</param>
/// <param name="Message">A readable message.</param>
/// <param name="Path">Where in the input, key by key.</param>
public sealed record ErrorIssue(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("path")] IReadOnlyList<string> Path);
