using System.Buffers;

namespace Tributary.Server.Http;

/// <summary>
/// Reads a JSON body; an empty body is <c>null</c> (validation then reports the missing fields). The body is
/// bounded (<see cref="RequestLimits"/>) and checked whole (<see cref="JsonBodyGuard"/>) before any endpoint sees it.
/// </summary>
internal static class RequestBody
{
    public static async Task<(JsonElement? Body, ApiError? Error)> ReadAsync(HttpContext context)
    {
        if (RequestChecks.CheckContentType(context.Request.ContentType) is { } contentTypeError)
        {
            return (null, contentTypeError);
        }

        if (context.Request.ContentLength > RequestLimits.MaxBodyBytes)
        {
            return (null, RequestLimits.PayloadTooLarge());
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        if (!await TryCopyAsync(context, buffer))
        {
            return (null, RequestLimits.PayloadTooLarge());
        }

        if (buffer.WrittenCount == 0)
        {
            return (null, null);
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return (null, ApiErrors.InvalidJson(ex));
        }

        return JsonBodyGuard.Check(root) is { } guardError ? (null, guardError) : (root, null);
    }

    /// <returns>False when the body is larger than the limit (reading stops at the first byte over it).</returns>
    private static async Task<bool> TryCopyAsync(HttpContext context, ArrayBufferWriter<byte> buffer)
    {
        var body = context.Request.Body;
        try
        {
            // Bounded by the size check below, and in time by Kestrel's minimum body data rate.
            while (true)
            {
                var memory = buffer.GetMemory(16 * 1024);
                var read = await body.ReadAsync(memory, context.RequestAborted);
                if (read == 0)
                {
                    return true;
                }

                buffer.Advance(read);
                if (buffer.WrittenCount > RequestLimits.MaxBodyBytes)
                {
                    return false;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return false;
        }
    }
}
