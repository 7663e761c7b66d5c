using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Tributary.Storage.Stores;

/// <summary>
/// Optional encryption of record payloads at rest: AES-256-GCM with a random 96-bit nonce per write, stored as
/// <c>enc1:</c> + base64(nonce ‖ tag ‖ ciphertext) in the same column. Off unless a key is configured
/// (<see cref="EnvironmentVariable"/>: 32 bytes, base64, read by the host and passed in).
/// </summary>
/// <remarks>
/// Reads recognise the prefix, so switching encryption on keeps older plaintext rows readable (they are encrypted
/// when next rewritten), and a JSON payload can never be mistaken for ciphertext (it starts with <c>{</c>). The
/// change-detection hash stays the plaintext's, so unchanged saves remain write-free; it reveals only whether two
/// versions of a record are equal. Metadata (ids, timestamps) is not encrypted.
/// </remarks>
public sealed class RecordsPayloadCipher
{
    /// <summary>The setting's name, for messages; the host reads it (this library reads no environment).</summary>
    public const string EnvironmentVariable = "TRIBUTARY_RECORDS_ENCRYPTION_KEY";

    private const string Prefix = "enc1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    public RecordsPayloadCipher(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32)
        {
            throw new ArgumentException($"The records encryption key must be 32 bytes (AES-256); got {key.Length}.", nameof(key));
        }

        _key = [.. key];
    }

    /// <summary>The cipher for a base64 key, or null for null or empty (encryption off).</summary>
    public static RecordsPayloadCipher? FromBase64(string? key)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }

        var bytes = new byte[48];
        if (!Convert.TryFromBase64String(key.Trim(), bytes, out var written) || written != 32)
        {
            throw new InvalidOperationException($"{EnvironmentVariable} must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`).");
        }

        return new RecordsPayloadCipher(bytes[..32]);
    }

    public static bool IsEncrypted(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    public string Encrypt(string payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var plainLength = Encoding.UTF8.GetByteCount(payload);
        var buffer = ArrayPool<byte>.Shared.Rent(NonceSize + TagSize + (plainLength * 2));
        try
        {
            var nonce = buffer.AsSpan(0, NonceSize);
            var tag = buffer.AsSpan(NonceSize, TagSize);
            var cipher = buffer.AsSpan(NonceSize + TagSize, plainLength);
            var plain = buffer.AsSpan(NonceSize + TagSize + plainLength, plainLength);
            Encoding.UTF8.GetBytes(payload, plain);
            RandomNumberGenerator.Fill(nonce);
            using (var aes = new AesGcm(_key, TagSize))
            {
                aes.Encrypt(nonce, plain, cipher, tag);
            }

            plain.Clear();
            return Prefix + Convert.ToBase64String(buffer.AsSpan(0, NonceSize + TagSize + plainLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Returns the plaintext of an encrypted payload; plaintext (and empty, pruned) payloads pass through.</summary>
    /// <exception cref="CryptographicException">The payload was encrypted with another key or was altered.</exception>
    public string Decrypt(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return IsEncrypted(stored) ? Open(_key, stored) : stored;
    }

    /// <summary>For a store without a key: plaintext passes through, ciphertext is a configuration error.</summary>
    public static string Unprotected(string stored) =>
        IsEncrypted(stored)
            ? throw new InvalidOperationException($"A record payload is encrypted but no key is configured: set {EnvironmentVariable} to the key it was written with.")
            : stored;

    private static string Open(byte[] key, string stored)
    {
        var data = Convert.FromBase64String(stored[Prefix.Length..]);
        if (data.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("An encrypted record payload is truncated.");
        }

        var plain = new byte[data.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain);
        }

        return Encoding.UTF8.GetString(plain);
    }
}
