using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tributary.Server.Validation;

namespace Tributary.Server.Http;

/// <summary>Writes JSON bodies directly with <see cref="Utf8JsonWriter"/>: exact field names and no reflection on the hot path.</summary>
internal static class JsonResponses
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter, Options))
        {
            write(writer);
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>Renders a JSON body to text, for an answer that is stored before it is sent (an idempotent trigger's).</summary>
    public static string Render(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Sends a body rendered by <see cref="Render"/>.</summary>
    public static async Task WriteRenderedAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public static Task ErrorAsync(HttpContext context, ApiError error) => WriteAsync(context, error.Status, error.WriteJson);

    public static Task SuccessAsync(HttpContext context) => WriteAsync(context, 200, w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("success", true);
        w.WriteEndObject();
    });
}
