using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tributary.FakeProviders;

/// <summary>
/// Runs around every request: finds the fake by path prefix, answers an injected fault if one fires, and logs the
/// request with the status it got.
/// </summary>
internal sealed class RequestLogging(IReadOnlyList<FakeApi> fakes)
{
    private const int MaxLoggedBody = 64 * 1024;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var fake = Find(context.Request.Path);
        if (fake is null)
        {
            await next(context);
            return;
        }

        var endpoint = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        var body = await ReadBodyAsync(context.Request);
        var fault = fake.Faults.Next(endpoint);
        if (fault?.Kind == FaultKind.Disconnect)
        {
            // Logged before the abort: the client sees the connection drop at once and may send its next request,
            // which a log written after the abort could then precede.
            Log(fake, context, endpoint, body, 0);
            await fake.WriteFaultAsync(context, fault);
            return;
        }

        try
        {
            if (fault is null)
            {
                await next(context);
            }
            else
            {
                await fake.WriteFaultAsync(context, fault);
            }
        }
        finally
        {
            Log(fake, context, endpoint, body, context.Response.StatusCode);
        }
    }

    private static void Log(FakeApi fake, HttpContext context, string? endpoint, string? body, int status) =>
        fake.Requests.Add(new FakeRequest(
            context.Request.Method,
            context.Request.Path.Value![fake.Prefix.Length..] is { Length: > 0 } rest ? rest : "/",
            context.Request.QueryString.Value ?? "",
            endpoint,
            Headers(context.Request),
            body,
            status));

    private FakeApi? Find(PathString path)
    {
        foreach (var fake in fakes)
        {
            if (path.StartsWithSegments(fake.Prefix, StringComparison.Ordinal))
            {
                return fake;
            }
        }

        return null;
    }

    private static Dictionary<string, string> Headers(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        return headers;
    }

    /// <summary>Reads the body for the log and rewinds it so the endpoint reads it again.</summary>
    private static async Task<string?> ReadBodyAsync(HttpRequest request)
    {
        if (request.ContentLength is null or 0 && !request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        request.EnableBuffering();
        var buffer = new byte[MaxLoggedBody];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await request.Body.ReadAsync(buffer.AsMemory(read), request.HttpContext.RequestAborted);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        request.Body.Position = 0;
        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
