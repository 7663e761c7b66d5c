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

    private readonly IHttpClientFactory _clients;
    private readonly WebhookOptions _options;

    public WebhookSender(IHttpClientFactory clients, WebhookOptions options)
    {
        _clients = clients;
        _options = options;
    }

    public async Task<SendResult> SendAsync(string url, string body, string signingKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.Add(WebhookSignature.LegacyHeader, WebhookSignature.Legacy(signingKey, body));
        request.Headers.Add(WebhookSignature.HmacHeader, WebhookSignature.Hmac(signingKey, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            var client = _clients.CreateClient(ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
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
}

public enum SendOutcome
{
    Delivered,
    Retry,
    Refused,
}

public sealed record SendResult(SendOutcome Outcome, int? Status, string? Error);
