using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Tributary.Core.Security;

/// <summary>
/// AES-256-GCM for connection credentials. Layout: a 4-byte marker (<c>TKI1</c>), the
/// 4-byte key id (<see cref="KeyId"/>), a 12-byte nonce, the 16-byte tag, the ciphertext. A fresh random nonce per
/// message.
/// </summary>
/// <remarks>
/// The key id says which key wrote a ciphertext, so a process with another key fails with a message naming both
/// ids instead of an authentication-tag error, and a rotation (<c>tributary keys rotate-encryption</c>) can tell
/// what it has re-encrypted. Ciphertexts written before key ids existed (nonce first, no marker) are read with the
/// current key: the only key there was, or — after a rotation — the key they were re-encrypted under. A legacy
/// ciphertext whose random nonce happens to begin with the marker and an id is still read: a failed tagged read
/// falls back to the legacy layout. The id and the check value are HMACs of fixed texts under the key: they
/// identify a key without revealing anything about it.
/// </remarks>
public sealed class CredentialProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 8;
    private const uint Marker = 0x544B4931; // "TKI1"
    private readonly byte[] _key;
    private readonly uint _keyId;

    public CredentialProtector(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The encryption key must be 32 bytes (AES-256).", nameof(key));
        }

        _key = [.. key];
        var id = HMACSHA256.HashData(_key, "tributary:credentials-key-id"u8);
        _keyId = BinaryPrimitives.ReadUInt32BigEndian(id);
        KeyId = Convert.ToHexStringLower(id.AsSpan(0, 4));
        KeyCheck = Convert.ToHexStringLower(HMACSHA256.HashData(_key, "tributary:credentials-key-check"u8));
    }

    /// <summary>8 hex characters naming the key; safe to log and to store.</summary>
    public string KeyId { get; }

    /// <summary>A value only this key produces (HMAC-SHA256 of a fixed text), stored in the database to prove the key at start.</summary>
    public string KeyCheck { get; }

    public byte[] Protect(string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[HeaderSize + NonceSize + TagSize + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(output, Marker);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(4), _keyId);
        var nonce = output.AsSpan(HeaderSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(HeaderSize + NonceSize + TagSize), output.AsSpan(HeaderSize + NonceSize, TagSize));
        return output;
    }

    /// <summary>The key id a ciphertext carries, or null for a ciphertext written before key ids.</summary>
    public static string? KeyIdOf(byte[] protectedData) =>
        protectedData.Length >= HeaderSize + NonceSize + TagSize && BinaryPrimitives.ReadUInt32BigEndian(protectedData) == Marker
            ? Convert.ToHexStringLower(protectedData.AsSpan(4, 4))
            : null;

    /// <exception cref="CryptographicException">Written under another key (the message names both key ids), or altered.</exception>
    public string Unprotect(byte[] protectedData)
    {
        if (protectedData.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Protected data is too short.");
        }

        if (KeyIdOf(protectedData) is { } keyId)
        {
            if (keyId == KeyId && TryOpen(protectedData.AsSpan(HeaderSize), out var plaintext))
            {
                return plaintext;
            }

            if (TryOpen(protectedData, out var legacy))
            {
                return legacy;
            }

            throw new CryptographicException(keyId == KeyId
                ? "A credential failed authentication under its key: it was altered."
                : $"A credential was encrypted with key id {keyId}; this process has key id {KeyId}. Use the key the database was written with.");
        }

        return TryOpen(protectedData, out var old)
            ? old
            : throw new CryptographicException($"A credential cannot be decrypted with key id {KeyId}: it was written with another key or altered.");
    }

    private bool TryOpen(ReadOnlySpan<byte> data, out string plaintext)
    {
        var plain = new byte[data.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(data[..NonceSize], data[(NonceSize + TagSize)..], data.Slice(NonceSize, TagSize), plain);
        }
        catch (AuthenticationTagMismatchException)
        {
            plaintext = string.Empty;
            return false;
        }

        plaintext = Encoding.UTF8.GetString(plain);
        return true;
    }
}
