using System.IO.Compression;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Features;
using Tributary.Core.Credentials;

namespace Tributary.Server.Http;

/// <summary>
/// Copies one proxy call across: the caller's body and <c>Nango-Proxy-*</c> headers up, the provider's status,
/// headers and body down, both bodies streamed (a large download is never held in memory).
/// </summary>
/// <remarks>
/// Written here rather than with YARP's <c>IHttpForwarder</c>: Nango's proxy is not a transparent reverse proxy —
/// it forwards no caller header except <c>Nango-Proxy-*</c> and <c>Content-Type</c>, retries (which needs a body
/// that can be sent twice) and decompresses on request — so a YARP transformer would have to undo most of what YARP
/// does, and the two copies below are all of the streaming.
/// </remarks>
internal static class ProxyForwarder
{
    /// <summary>Nango's public body limit (<c>NANGO_SERVER_PUBLIC_BODY_LIMIT</c>, 75 MB) instead of the API's 1 MiB.</summary>
    public const long MaxUploadBytes = 75L * 1024 * 1024;

    /// <summary>A body up to this size is read into memory so that a retried call can send it again.</summary>
    private const long ReplayableBodyBytes = 1024 * 1024;

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection",
    };

    /// <summary>The path (still escaped) and query after <c>/proxy</c>.</summary>
    public static string Endpoint(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.ToUriComponent();
        var rest = path.Length > "/proxy".Length ? path["/proxy".Length..] : string.Empty;
        return rest + request.QueryString.ToUriComponent();
    }

    public static async Task ForwardAsync(HttpContext context, ProxyCall call, ProxyHeaders control, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(control);
        using var upstream = new HttpRequestMessage(new HttpMethod(context.Request.Method), call.Url);
        upstream.Content = await ContentAsync(context, control.Retries > 0, cancellationToken);
        CopyRequestHeaders(context.Request.Headers, upstream);
        upstream.Options.Set(ProviderRetryHandler.RetriesOption, control.Retries);

        HttpResponseMessage response;
        try
        {
            response = await call.Pipeline.SendAsync(upstream, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // No URL in the message: an API key may sit in its query.
            await JsonResponses.ErrorAsync(context, new ApiError(StatusCodes.Status502BadGateway, "proxy_upstream_unreachable", $"The provider could not be reached ({ex.HttpRequestError})."));
            return;
        }

        using (response)
        {
            await CopyResponseAsync(context, response, control.Decompress, cancellationToken);
        }
    }

    private static async Task<HttpContent?> ContentAsync(HttpContext context, bool mayRetry, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false } || request.ContentLength == 0)
        {
            return null;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBytes;
        }

        if (mayRetry && request.ContentLength is { } length && length <= ReplayableBodyBytes)
        {
            var bytes = new byte[length];
            await request.Body.ReadExactlyAsync(bytes, cancellationToken);
            return new ByteArrayContent(bytes);
        }

        var content = new StreamContent(request.Body);
        content.Headers.ContentLength = request.ContentLength;
        return content;
    }

    private static void CopyRequestHeaders(IHeaderDictionary incoming, HttpRequestMessage upstream)
    {
        foreach (var (name, values) in incoming)
        {
            string target;
            if (name.StartsWith(ProxyHeaders.ForwardPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > ProxyHeaders.ForwardPrefix.Length)
            {
                target = name[ProxyHeaders.ForwardPrefix.Length..];
            }
            else if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                target = name; // @nangohq/node sends it both bare and prefixed; Nango reads the body with it.
            }
            else
            {
                continue;
            }

            if (HopByHop.Contains(target) || string.Equals(target, "Host", StringComparison.OrdinalIgnoreCase) || string.Equals(target, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var all = values.ToArray();
            if (IsContentHeader(target))
            {
                // A body's header without a body (Content-Type on a GET) has nowhere to go, as in Nango's axios call.
                upstream.Content?.Headers.Remove(target);
                upstream.Content?.Headers.TryAddWithoutValidation(target, all);
            }
            else
            {
                upstream.Headers.Remove(target);
                upstream.Headers.TryAddWithoutValidation(target, all);
            }
        }
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Allow", StringComparison.OrdinalIgnoreCase);

    private static async Task CopyResponseAsync(HttpContext context, HttpResponseMessage response, bool decompress, CancellationToken cancellationToken)
    {
        var encoding = response.Content.Headers.ContentEncoding.LastOrDefault();
        var decoding = decompress && encoding is "gzip" or "deflate" or "br";
        context.Response.StatusCode = (int)response.StatusCode;
        CopyHeaders(response.Headers, context.Response.Headers, decoding);
        CopyHeaders(response.Content.Headers, context.Response.Headers, decoding);
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (HttpMethods.IsHead(context.Request.Method) || response.StatusCode == System.Net.HttpStatusCode.NoContent)
        {
            return;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var decoded = !decoding ? body
            : encoding == "gzip" ? new GZipStream(body, CompressionMode.Decompress)
            : encoding == "deflate" ? new ZLibStream(body, CompressionMode.Decompress)
            : new BrotliStream(body, CompressionMode.Decompress);
        await decoded.CopyToAsync(context.Response.Body, 64 * 1024, cancellationToken);
    }

    private static void CopyHeaders(HttpHeaders from, IHeaderDictionary to, bool decoding)
    {
        foreach (var (name, values) in from)
        {
            if (HopByHop.Contains(name)
                || name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)
                || (decoding && (string.Equals(name, "Content-Encoding", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))))
            {
                continue;
            }

            to[name] = values.ToArray();
        }
    }
}
