namespace Tributary.Core.Ports;

/// <summary>The credentials encryption key's check value in the database, and re-encryption under a new key.</summary>
public interface IEncryptionKeyStore
{
    /// <summary>The current key's id and check, or null before any key was recorded.</summary>
    Task<EncryptionKeyRecord?> CurrentAsync(CancellationToken cancellationToken);

    /// <summary>Records a first key unless one is recorded already (by a process starting at the same time); returns the current one.</summary>
    Task<EncryptionKeyRecord> RecordFirstAsync(EncryptionKeyRecord key, CancellationToken cancellationToken);

    /// <summary>One stored credential ciphertext (to try a key on a database written before checks existed), or null.</summary>
    Task<byte[]?> AnyCredentialAsync(CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: rewrites every connection's credentials with <paramref name="reencrypt"/>, retires the
    /// current key and records <paramref name="replacement"/>. Fails (changing nothing) if the current key is not
    /// <paramref name="expected"/>.
    /// </summary>
    /// <returns>The number of credentials re-encrypted.</returns>
    Task<int> RotateAsync(EncryptionKeyRecord expected, EncryptionKeyRecord replacement, Func<byte[], byte[]> reencrypt, CancellationToken cancellationToken);
}

/// <summary>A key as the database knows it: its id and check value (<see cref="Security.CredentialProtector"/>), never the key.</summary>
public sealed record EncryptionKeyRecord(string KeyId, string KeyCheck);
