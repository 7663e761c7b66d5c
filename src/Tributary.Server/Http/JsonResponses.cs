using System.Text.Encodings.Web;
using System.Text.Json.Serialization.Metadata;

namespace Tributary.Server.Http;

/// <summary>
/// Writes answers: a typed record from <c>Tributary.Contracts</c> through the source-generated context. The records
/// hot path streams its body itself (<see cref="RecordsStream"/>) with the same writer options and content type.
/// </summary>
internal static class JsonResponses
{
    /// <summary>
    /// The contracts' generated metadata bound to Nango's escaping: quotes and non-ASCII stay readable, as
    /// JSON.stringify writes them.
    /// </summary>
    public static readonly ContractsJsonContext Json = new(new JsonSerializerOptions
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    internal const string ContentType = "application/json; charset=utf-8";

    public static Task WriteAsync<T>(HttpContext context, int status, T body, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return JsonSerializer.SerializeAsync(context.Response.Body, body, typeInfo, context.RequestAborted);
    }

    /// <summary>Renders an answer to text, for one that is stored before it is sent (an idempotent trigger's).</summary>
    public static string Render<T>(T body, JsonTypeInfo<T> typeInfo) => JsonSerializer.Serialize(body, typeInfo);

    /// <summary>Sends a body rendered by <see cref="Render"/>.</summary>
    public static async Task WriteRenderedAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext context, ApiError error) => WriteAsync(context, error.Status, ErrorBodies.From(error), Json.ErrorBody);

    public static Task SuccessAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status200OK, SuccessResponse.True, Json.SuccessResponse);
}
