using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tributary.FakeProviders;

/// <summary>Writes JSON straight into the response pipe: the fakes serve benchmarks too, so no reflection, no copies.</summary>
internal static class JsonResponse
{
    public static Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            write(writer);
        }

        return context.Response.BodyWriter.FlushAsync(context.RequestAborted).AsTask();
    }

    public static Task WriteObjectAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> writeProperties) =>
        WriteAsync(context, statusCode, writer =>
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        });
}
