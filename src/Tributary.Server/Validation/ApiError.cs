using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
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
    private static readonly JsonWriterOptions ToJsonOptions = new()
    {
        // Keeps quotes and non-ASCII readable, as JSON.stringify writes them.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// <c>error.message</c> when there is one; otherwise a readable line built from the first issue, so that
    /// clients printing <c>body.message</c> still learn what is wrong; the code as a last resort.
    /// </summary>
    public string TopLevelMessage => Message ?? SummarizeIssues() ?? Code;

    public void WriteJson(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);

        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("code", Code);
        if (Message is not null)
        {
            writer.WriteString("message", Message);
        }

        if (Errors is { Count: > 0 })
        {
            writer.WriteStartArray("errors");
            foreach (var issue in Errors)
            {
                writer.WriteStartObject();
                writer.WriteString("code", issue.Code);
                writer.WriteString("message", issue.Message);
                writer.WriteStartArray("path");
                foreach (var segment in issue.Path)
                {
                    writer.WriteStringValue(segment);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (Payload is not null)
        {
            writer.WritePropertyName("payload");
            Payload.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteString("message", TopLevelMessage);
        writer.WriteEndObject();
    }

    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, ToJsonOptions))
        {
            WriteJson(writer);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

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
