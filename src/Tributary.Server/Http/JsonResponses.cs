using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tributary.Server.Validation;

namespace Tributary.Server.Http;

/// <summary>Writes JSON bodies directly with <see cref="Utf8JsonWriter"/>: exact field names and no reflection on the hot path.</summary>
internal static class JsonResponses
{
    internal const string ContentType = "application/json; charset=utf-8";

    internal static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, Options))
        {
            write(writer);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext context, ApiError error) => WriteAsync(context, error.Status, error.WriteJson);

    public static Task SuccessAsync(HttpContext context) => WriteAsync(context, 200, w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("success", true);
        w.WriteEndObject();
    });
}
