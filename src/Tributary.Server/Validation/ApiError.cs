using System.Text.Json.Nodes;

namespace Tributary.Server.Validation;

/// <summary>
/// An error answer in Nango's shape, <c>{"error":{"code","message"?,"errors"?,"payload"?}}</c>, plus a top-level
/// <c>"message"</c> that the published API reference promises on every 400 (Nango itself omits it).
/// </summary>
internal sealed record ApiError(
    int Status,
    string Code,
    string? Message = null,
    IReadOnlyList<ValidationIssue>? Errors = null,
    JsonNode? Payload = null)
{
    /// <summary>
    /// <c>error.message</c> when there is one; otherwise a readable line built from the first issue, so that
    /// clients printing <c>body.message</c> still learn what is wrong; the code as a last resort.
    /// </summary>
    public string TopLevelMessage => Message ?? SummarizeIssues() ?? Code;

    /// <summary>The body as the server writes it (tests compare it byte for byte).</summary>
    public string ToJson() => JsonSerializer.Serialize(ErrorBodies.From(this), JsonResponses.Json.ErrorBody);

    private string? SummarizeIssues()
    {
        if (Errors is not { Count: > 0 } issues)
        {
            return null;
        }

        var first = issues[0];
        var summary = first.Path.Count == 0 ? first.Message : $"{string.Join('.', first.Path)}: {first.Message}";
        return issues.Count == 1 ? summary : $"{summary} (and {issues.Count - 1} more)";
    }
}
