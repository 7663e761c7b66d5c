using System.Text.Json.Nodes;

namespace Tributary.Core.Errors;

/// <summary>
/// An expected failure of a use case, with Nango's error <see cref="Code"/>, message and payload. Its kind (one of
/// the few sealed subclasses) says what went wrong; the server maps the kind to an HTTP status in one place.
/// Anything else thrown is an unexpected failure (a 500 logged once at the boundary).
/// </summary>
public abstract class TributaryException : Exception
{
    private protected TributaryException(string code, string? message, JsonNode? payload)
        : base(message ?? code)
    {
        Code = code;
        ErrorMessage = message;
        Payload = payload;
    }

    public string Code { get; }

    /// <summary>The message to send, or null where Nango sends none.</summary>
    public string? ErrorMessage { get; }

    public JsonNode? Payload { get; }
}

/// <summary>The resource the request is about does not exist (Nango: 404).</summary>
public sealed class NotFoundException(string code, string? message, JsonNode? payload = null)
    : TributaryException(code, message, payload);

/// <summary>The request is wrong: bad input, or it names something that does not exist (Nango: 400).</summary>
public sealed class InvalidInputException(string code, string? message, JsonNode? payload = null)
    : TributaryException(code, message, payload);

/// <summary>The request conflicts with what exists (Nango: 409).</summary>
public sealed class ConflictException(string code, string? message, JsonNode? payload = null)
    : TributaryException(code, message, payload);

/// <summary>
/// What the request needs from elsewhere is not there now, e.g. a connection whose token refresh failed moments ago
/// (Nango: 424 <c>connection_refresh_backoff</c>).
/// </summary>
public sealed class DependencyFailedException(string code, string? message, JsonNode? payload = null)
    : TributaryException(code, message, payload);

/// <summary>The caller may not do this, whatever its key's scopes (Nango: 403 <c>forbidden</c>).</summary>
public sealed class ForbiddenException(string code, string? message, JsonNode? payload = null)
    : TributaryException(code, message, payload);

/// <summary>A limit is reached, e.g. the variants of one sync (Nango: 400 <c>resource_capped</c>).</summary>
public sealed class LimitReachedException(string code, string? message, JsonNode? payload = null)
    : TributaryException(code, message, payload);

/// <summary>
/// The body is wrong in ways only the use case can tell (it names things that do not exist): Nango's 400
/// <c>invalid_body</c> with zod-style issues, as a schema failure reads.
/// </summary>
public sealed class InvalidBodyException(IReadOnlyList<BodyIssue> issues)
    : TributaryException("invalid_body", null, null)
{
    public IReadOnlyList<BodyIssue> Issues { get; } = issues;
}

/// <summary>One issue of an <see cref="InvalidBodyException"/>: a zod code (usually <c>custom</c>), its message and the path in the body.</summary>
public sealed record BodyIssue(string Code, string Message, IReadOnlyList<string> Path);
