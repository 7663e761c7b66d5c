using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>Nango's error body: <c>{"error":{"code","message"}}</c> (with our top-level <c>message</c> mirror).</summary>
/// <param name="Error">The error.</param>
/// <param name="Message">The same message as <c>error.message</c>, for clients generated from the API reference.</param>
public sealed record ErrorBody(
    [property: JsonPropertyName("error")] ErrorDetail Error,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>The inner error object.</summary>
/// <param name="Code">Nango's error code, e.g. <c>unknown_connection</c>.</param>
/// <param name="Message">A readable message.</param>
public sealed record ErrorDetail(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string? Message);
