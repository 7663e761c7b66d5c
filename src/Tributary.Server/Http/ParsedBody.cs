namespace Tributary.Server.Http;

/// <summary>The first step of every handler with a body: read it, parse it, and answer the error when either fails.</summary>
internal static class ParsedBody
{
    /// <returns>The parsed request, or null when an error was already answered.</returns>
    public static async Task<T?> ReadAsync<T>(HttpContext context, Func<JsonElement?, ParseResult<T>> parse)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(parse);
        var (body, bodyError) = await RequestBody.ReadAsync(context);
        var parsed = bodyError is null ? parse(body) : ParseResult<T>.Invalid(bodyError);
        if (!parsed.IsValid)
        {
            await JsonResponses.ErrorAsync(context, parsed.Error);
            return null;
        }

        return parsed.Value;
    }
}
