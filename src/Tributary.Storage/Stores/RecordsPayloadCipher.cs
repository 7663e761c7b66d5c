using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tributary.Storage.Stores;

/// <summary>
/// Optional protection of record payloads at rest: AES-256-GCM with a random 96-bit nonce per write and the row's
/// identity (connection, model, external id) as associated data, stored as <c>enc2:</c> + base64(nonce ‖ tag ‖
/// ciphertext) in the same column; and a keyed change-detection hash. Off unless a key is configured
/// (<see cref="EnvironmentVariable"/>: 32 bytes, base64, read by the host and passed in).
/// </summary>
/// <remarks>
/// Reads recognise the prefix, so switching encryption on keeps older plaintext rows readable (they are encrypted
/// when next rewritten), and a JSON payload can never be mistaken for ciphertext (it starts with <c>{</c>).
/// <c>enc1:</c> payloads (written before ciphertexts were bound to their row) are still read, without associated
/// data; the next change of the record rewrites them as <c>enc2:</c> — and since their stored hash is the unkeyed
/// one, the next save of every such record is a change (see <see cref="StoredHash"/>).
/// Metadata (ids, timestamps) is not encrypted.
/// </remarks>
public sealed class RecordsPayloadCipher
{
    /// <summary>The setting's name, for messages; the host reads it (this library reads no environment).</summary>
    public const string EnvironmentVariable = "TRIBUTARY_RECORDS_ENCRYPTION_KEY";

    private const string LegacyPrefix = "enc1:";
    private const string Prefix = "enc2:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>The stored hash keeps the plain hash's width: 128 bits, as lower-case hex.</summary>
    private const int StoredHashBytes = 16;

    private static readonly byte[] HashKeyLabel = "tributary records data_hash v1"u8.ToArray();
    private static readonly byte[] AssociatedDataLabel = "tributary record v2"u8.ToArray();

    private readonly byte[] _key;
    private readonly byte[] _hashKey;

    public RecordsPayloadCipher(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32)
        {
            throw new ArgumentException($"The records encryption key must be 32 bytes (AES-256); got {key.Length}.", nameof(key));
        }

        _key = [.. key];

        // A key of its own for the hashes (HKDF with a distinct label): the AES key is never used for two purposes.
        _hashKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, salt: [], info: HashKeyLabel);
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

    public static bool IsEncrypted(string stored) =>
        stored.StartsWith(Prefix, StringComparison.Ordinal) || stored.StartsWith(LegacyPrefix, StringComparison.Ordinal);

    /// <summary>
    /// The hash stored for a record whose content hash (the Sdk's plain SHA-256) is <paramref name="contentHash"/>:
    /// HMAC-SHA256 under the derived hash key, so a guessed payload cannot be confirmed from the database without the
    /// key. Keying the content hash (rather than the payload again) lets the store key what Core computed, for one
    /// HMAC of a few bytes per record; equal contents still give equal stored hashes, so unchanged saves stay
    /// write-free.
    /// </summary>
    public string StoredHash(string contentHash)
    {
        ArgumentNullException.ThrowIfNull(contentHash);
        var length = Encoding.UTF8.GetByteCount(contentHash);
        byte[]? rented = null;
        var input = length <= 256 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            Encoding.UTF8.GetBytes(contentHash, input);
            Span<byte> mac = stackalloc byte[32];
            HMACSHA256.HashData(_hashKey, input, mac);
            return Convert.ToHexStringLower(mac[..StoredHashBytes]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Encrypts a payload bound to its row: the ciphertext opens only for the same connection, model and id.</summary>
    public string Encrypt(string payload, long connectionDbId, string model, string externalId)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var plainLength = Encoding.UTF8.GetByteCount(payload);
        var buffer = ArrayPool<byte>.Shared.Rent(NonceSize + TagSize + (plainLength * 2));
        var associated = AssociatedData(connectionDbId, model, externalId);
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
                aes.Encrypt(nonce, plain, cipher, tag, associated);
            }

            plain.Clear();
            return Prefix + Convert.ToBase64String(buffer.AsSpan(0, NonceSize + TagSize + plainLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Returns the plaintext of an encrypted payload of this row; plaintext (and empty, pruned) payloads pass through.</summary>
    /// <exception cref="CryptographicException">
    /// The payload was encrypted with another key, was altered, or belongs to another row (copied from elsewhere).
    /// </exception>
    public string Decrypt(string stored, long connectionDbId, string model, string externalId)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Open(stored, Prefix.Length, AssociatedData(connectionDbId, model, externalId), model, externalId);
        }

        return stored.StartsWith(LegacyPrefix, StringComparison.Ordinal)
            ? Open(stored, LegacyPrefix.Length, [], model, externalId)
            : stored;
    }

    /// <summary>For a store without a key: plaintext passes through, ciphertext is a configuration error.</summary>
    public static string Unprotected(string stored) =>
        IsEncrypted(stored)
            ? throw new InvalidOperationException($"A record payload is encrypted but no key is configured: set {EnvironmentVariable} to the key it was written with.")
            : stored;

    /// <summary>
    /// The row's identity, unambiguous: a label, the connection's row id (8 bytes), then the model and the external id,
    /// each length-prefixed (so <c>("a:b", "c")</c> and <c>("a", "b:c")</c> differ).
    /// </summary>
    private static byte[] AssociatedData(long connectionDbId, string model, string externalId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(externalId);
        var modelLength = Encoding.UTF8.GetByteCount(model);
        var idLength = Encoding.UTF8.GetByteCount(externalId);
        var data = new byte[AssociatedDataLabel.Length + 8 + 4 + modelLength + 4 + idLength];
        var span = data.AsSpan();
        AssociatedDataLabel.CopyTo(span);
        span = span[AssociatedDataLabel.Length..];
        BinaryPrimitives.WriteInt64BigEndian(span, connectionDbId);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], modelLength);
        Encoding.UTF8.GetBytes(model, span[12..]);
        span = span[(12 + modelLength)..];
        BinaryPrimitives.WriteInt32BigEndian(span, idLength);
        Encoding.UTF8.GetBytes(externalId, span[4..]);
        return data;
    }

    private string Open(string stored, int prefixLength, byte[] associated, string model, string externalId)
    {
        var data = Convert.FromBase64String(stored[prefixLength..]);
        if (data.Length < NonceSize + TagSize)
        {
            throw new CryptographicException($"The encrypted payload of record '{externalId}' of model '{model}' is truncated.");
        }

        var plain = new byte[data.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(data.AsSpan(0, NonceSize), data.AsSpan(NonceSize + TagSize), data.AsSpan(NonceSize, TagSize), plain, associated);
        }
        catch (AuthenticationTagMismatchException e)
        {
            // Never the key or the payload in the message: only which row failed and the likely causes.
            throw new CryptographicException(
                $"The encrypted payload of record '{externalId}' of model '{model}' cannot be opened: it was written with another "
                + $"{EnvironmentVariable}, altered, or copied from another record, model or connection.",
                e);
        }

        return Encoding.UTF8.GetString(plain);
    }
}
