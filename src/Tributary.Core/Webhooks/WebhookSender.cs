using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Sends one delivery: a POST of the exact stored body with Nango's headers and both signatures, bounded by the
/// configured timeout. Classifies the answer as Nango does: 2xx delivered; network errors, timeouts, 408, 429 and
/// 5xx retried; any other answer (3xx, 4xx) final — the receiver refused this body, and sending it again will not
/// change that (it can still be retried by hand).
/// </summary>
public sealed class WebhookSender
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client (no redirects: a 3xx is the receiver's answer).</summary>
    public const string ClientName = "tributary-webhooks";

    private const string UserAgent = "Tributary (Nango-compatible webhooks)";

    private readonly HttpClient _client;
    private readonly WebhookOptions _options;

    /// <remarks>
    /// One client for the process's lifetime, with the POST's time limit as its timeout: a client per POST and a
    /// linked token source with a timer of our own on top of the client's were work on every delivery. The primary
    /// handler recycles its connections every 5 minutes (<c>PooledConnectionLifetime</c>), so a long-lived client
    /// still follows DNS changes.
    /// </remarks>
    public WebhookSender(IHttpClientFactory clients, WebhookOptions options)
    {
        _options = options;
        _client = clients.CreateClient(ClientName);
        _client.Timeout = options.Timeout;
    }

    public async Task<SendResult> SendAsync(string url, string body, string signingKey, CancellationToken cancellationToken)
    {
        using var request = Request(url, body, signingKey);

        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return new SendResult(SendOutcome.Delivered, status, null);
            }

            var retry = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            return new SendResult(retry ? SendOutcome.Retry : SendOutcome.Refused, status, $"The receiver answered HTTP {status}.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(SendOutcome.Retry, null, $"No answer within {_options.Timeout.TotalSeconds:0.###} s.");
        }
        catch (HttpRequestException ex)
        {
            // The message names the host and the socket error, never the body or a header.
            return new SendResult(SendOutcome.Retry, null, $"Could not reach the receiver: {ex.Message}");
        }
    }

    /// <summary>
    /// The POST: the body's UTF-8 bytes, encoded once and both signed and sent, with Nango's
    /// <c>Content-Type: application/json</c> exactly (JSON is UTF-8 by definition; a receiver that compares the header
    /// as Nango sends it must not meet a charset parameter).
    /// </summary>
    private static HttpRequestMessage Request(string url, string body, string signingKey)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        var signature = WebhookSignature.Sign(signingKey, bytes);

        // The values are ours and valid (a constant, lowercase hex): no header parsing per request.
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.TryAddWithoutValidation(WebhookSignature.LegacyHeader, signature.Legacy);
        request.Headers.TryAddWithoutValidation(WebhookSignature.HmacHeader, signature.Hmac);
        return request;
    }
}

public enum SendOutcome
{
    Delivered,
    Retry,
    Refused,
}

public sealed record SendResult(SendOutcome Outcome, int? Status, string? Error);
