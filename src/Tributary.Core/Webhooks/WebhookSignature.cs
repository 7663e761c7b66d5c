using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Tributary.Core.Webhooks;

/// <summary>
/// Nango's two webhook signature headers, computed over the exact body bytes sent: <c>X-Nango-Hmac-Sha256</c> =
/// hex(HMAC-SHA256(key, body)) — what <c>@nangohq/node</c>'s <c>verifyIncomingWebhookRequest</c> checks — and the
/// legacy <c>X-Nango-Signature</c> = hex(SHA-256(key ‖ body)), kept for receivers that still check it.
/// </summary>
/// <remarks>
/// The sender signs the UTF-8 bytes it posts (the byte overloads): the body is encoded once per delivery, not once
/// for the content and once per signature, and the key once per delivery into a stack buffer shared by both.
/// </remarks>
public static class WebhookSignature
{
    public const string HmacHeader = "X-Nango-Hmac-Sha256";
    public const string LegacyHeader = "X-Nango-Signature";

    public static string Hmac(string signingKey, string body) =>
        Hmac(Encoding.UTF8.GetBytes(signingKey), Encoding.UTF8.GetBytes(body));

    public static string Legacy(string signingKey, string body) =>
        Legacy(Encoding.UTF8.GetBytes(signingKey), Encoding.UTF8.GetBytes(body));

    /// <summary>hex(HMAC-SHA256(key, body)) over UTF-8 bytes.</summary>
    public static string Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, body, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>hex(SHA-256(key ‖ body)) over UTF-8 bytes (the UTF-8 of the concatenated strings).</summary>
    public static string Legacy(ReadOnlySpan<byte> key, ReadOnlySpan<byte> body)
    {
        var length = key.Length + body.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            key.CopyTo(buffer);
            body.CopyTo(buffer.AsSpan(key.Length));
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(buffer.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
