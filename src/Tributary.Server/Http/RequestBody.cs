using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tributary.Server.Validation;

namespace Tributary.Server.Http;

/// <summary>Reads a JSON body; an empty body is <c>null</c> (validation then reports the missing fields).</summary>
internal static class RequestBody
{
    public static async Task<(JsonElement? Body, ApiError? Error)> ReadAsync(HttpContext context)
    {
        if (RequestChecks.CheckContentType(context.Request.ContentType) is { } contentTypeError)
        {
            return (null, contentTypeError);
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (buffer.Length == 0)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.ToArray());
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (null, ApiErrors.InvalidJson(ex));
        }
    }
}
