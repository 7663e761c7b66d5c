using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>The 429 answer: Nango's body (code, method, path) plus a message, and the top-level message every error carries.</summary>
/// <param name="Error">What was refused.</param>
/// <param name="Message">The same message as <c>error.message</c>.</param>
public sealed record TooManyRequestsBody(
    [property: JsonPropertyName("error")] TooManyRequestsDetail Error,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The inner error object of a 429.</summary>
/// <param name="Code">Always <c>too_many_request</c> (Nango's spelling).</param>
/// <param name="Message">The limit and when to retry.</param>
/// <param name="Method">The refused request's method.</param>
/// <param name="Path">The refused request's path.</param>
public sealed record TooManyRequestsDetail(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string? Path);
