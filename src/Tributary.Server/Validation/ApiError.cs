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
            writer.WriteString("message", Bounded(Message));
        }

        if (Errors is { Count: > 0 })
        {
            // Every part is bounded here too, whoever built the error: an answer stays small whatever was sent.
            writer.WriteStartArray("errors");
            foreach (var issue in Errors.Take(InputLimits.MaxIssues))
            {
                writer.WriteStartObject();
                writer.WriteString("code", issue.Code);
                writer.WriteString("message", Bounded(issue.Message));
                writer.WriteStartArray("path");
                foreach (var segment in issue.Path)
                {
                    writer.WriteStringValue(InputLimits.Bounded(segment));
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (Payload is not null)
        {
            writer.WritePropertyName("payload");
            WriteBounded(writer, Payload);
        }

        writer.WriteEndObject();
        writer.WriteString("message", Bounded(TopLevelMessage));
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

    /// <summary>A payload echoes what was asked for (a connection id, say): its strings are cut like messages.</summary>
    private static void WriteBounded(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj)
                {
                    writer.WritePropertyName(InputLimits.Bounded(key));
                    WriteBounded(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteBounded(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                writer.WriteStringValue(Bounded(value.GetValue<string>()));
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static string Bounded(string message) => InputLimits.Bounded(message, InputLimits.MaxMessageChars);

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
