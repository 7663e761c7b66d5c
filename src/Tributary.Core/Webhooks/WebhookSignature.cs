using System.Security.Cryptography;
using System.Text;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Nango's two webhook signature headers, computed over the exact body bytes sent: <c>X-Nango-Hmac-Sha256</c> =
/// hex(HMAC-SHA256(key, body)) — what <c>@nangohq/node</c>'s <c>verifyIncomingWebhookRequest</c> checks — and the
/// legacy <c>X-Nango-Signature</c> = hex(SHA-256(key ‖ body)), kept for receivers that still check it.
/// </summary>
public static class WebhookSignature
{
    public const string HmacHeader = "X-Nango-Hmac-Sha256";
    public const string LegacyHeader = "X-Nango-Signature";

    public static string Hmac(string signingKey, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signingKey), Encoding.UTF8.GetBytes(body)));

    public static string Legacy(string signingKey, string body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(signingKey + body)));
}
