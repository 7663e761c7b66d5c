using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Tributary.Contracts;
using Tributary.Server.Validation;

namespace Tributary.Server.Http;

/// <summary>
/// Writes answers: a typed record from <c>Tributary.Contracts</c> through the source-generated context, or (for the
/// records hot path only) a body written directly with <see cref="Utf8JsonWriter"/>.
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

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private const string ContentType = "application/json; charset=utf-8";

    public static Task WriteAsync<T>(HttpContext context, int status, T body, JsonTypeInfo<T> typeInfo)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return JsonSerializer.SerializeAsync(context.Response.Body, body, typeInfo, context.RequestAborted);
    }

    /// <summary>A body written field by field: only for <c>GET /records</c>, which splices stored payloads (docs/architecture.md).</summary>
    public static async Task WriteRawAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions))
        {
            write(writer);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext context, ApiError error) => WriteAsync(context, error.Status, ErrorBodies.From(error), Json.ErrorBody);

    public static Task SuccessAsync(HttpContext context) => WriteAsync(context, StatusCodes.Status200OK, SuccessResponse.True, Json.SuccessResponse);
}
