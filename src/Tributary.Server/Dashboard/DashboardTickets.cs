using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tributary.Server.Dashboard;

/// <summary>
/// Seals and opens the dashboard's session cookie: AES-256-GCM over the signed-in key's hash, a CSRF token and an
/// expiry. The key is derived (HKDF) from the credentials encryption key, which every process sharing a database
/// must already share, so a session opened by one process works on any other (two API processes on PostgreSQL)
/// with no table and no key file of its own; rotating the encryption key signs every session out.
/// </summary>
/// <remarks>
/// The ticket never holds the secret key, only its SHA-256 (the API key's lookup hash), and is opaque to the browser.
/// Each request looks the key up again (cached for a second), so revoking the key ends its sessions. Stateless
/// tickets cannot be revoked one by one: signing out deletes the cookie, and a copied cookie stays valid until its
/// expiry (<see cref="Lifetime"/>), which is why that is short.
/// </remarks>
internal sealed class DashboardTickets
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("tributary dashboard session v1");

    private readonly byte[] _key;
    private readonly TimeProvider _timeProvider;

    public DashboardTickets(byte[] encryptionKey, TimeProvider timeProvider)
    {
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, encryptionKey, 32, salt: [], info: Purpose);
        _timeProvider = timeProvider;
    }

    /// <summary>A new session for the key with this hash, with a fresh CSRF token.</summary>
    public DashboardSession Issue(string keyHash) =>
        new(keyHash, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), _timeProvider.GetUtcNow() + Lifetime);

    public string Seal(DashboardSession session)
    {
        var plain = Encoding.UTF8.GetBytes(string.Join(
            '\n', session.KeyHash, session.CsrfToken, session.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        var sealedBytes = new byte[1 + NonceSize + TagSize + plain.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(1 + NonceSize + TagSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), Purpose);
        return Base64UrlEncode(sealedBytes);
    }

    /// <returns>The session, or null when the ticket is malformed, forged, sealed under another key or expired.</returns>
    public DashboardSession? Open(string? ticket)
    {
        if (string.IsNullOrEmpty(ticket) || ticket.Length > 1024 || Base64UrlDecode(ticket) is not { } bytes
            || bytes.Length <= 1 + NonceSize + TagSize || bytes[0] != Version)
        {
            return null;
        }

        var plain = new byte[bytes.Length - 1 - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(bytes.AsSpan(1, NonceSize), bytes.AsSpan(1 + NonceSize + TagSize), bytes.AsSpan(1 + NonceSize, TagSize), plain, Purpose);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(plain).Split('\n');
        if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }

        var session = new DashboardSession(parts[0], parts[1], DateTimeOffset.FromUnixTimeSeconds(expires));
        return session.ExpiresAt > _timeProvider.GetUtcNow() ? session : null;
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? Base64UrlDecode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", _ => string.Empty };
        var buffer = new byte[padded.Length];
        return Convert.TryFromBase64String(padded, buffer, out var written) ? buffer[..written] : null;
    }
}

/// <summary>A signed-in dashboard session: whose key, the token state-changing requests must echo, and until when.</summary>
internal sealed record DashboardSession(string KeyHash, string CsrfToken, DateTimeOffset ExpiresAt)
{
    /// <summary>Compares a presented CSRF token with the session's in constant time.</summary>
    public bool AcceptsCsrf(string? presented) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(CsrfToken));
}
