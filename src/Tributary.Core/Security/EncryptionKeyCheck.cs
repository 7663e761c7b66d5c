using Tributary.Core.Ports;

namespace Tributary.Core.Security;

/// <summary>
/// Proves at start that this process's credentials key is the database's: the first start records the key's id
/// and check value; every later start compares. A mismatch is a refusal to start (<see cref="EncryptionKeyMismatchException"/>),
/// not a server that answers 500 on every credential read and fails every run.
/// </summary>
public sealed class EncryptionKeyCheck
{
    private readonly IEncryptionKeyStore _store;
    private readonly CredentialProtector _protector;

    public EncryptionKeyCheck(IEncryptionKeyStore store, CredentialProtector protector)
    {
        _store = store;
        _protector = protector;
    }

    public EncryptionKeyRecord Key => new(_protector.KeyId, _protector.KeyCheck);

    /// <returns>The database's key id when it differs from this process's, else null (recorded now, or matching).</returns>
    public async Task<string?> FindMismatchAsync(CancellationToken cancellationToken)
    {
        var current = await _store.CurrentAsync(cancellationToken);
        if (current is null)
        {
            // A database written before key checks existed: the key must open what is stored before it is recorded.
            if (await _store.AnyCredentialAsync(cancellationToken) is { } sample && !Opens(sample))
            {
                return CredentialProtector.KeyIdOf(sample) ?? "unknown (written before key ids)";
            }

            current = await _store.RecordFirstAsync(Key, cancellationToken);
        }

        return current.KeyId == _protector.KeyId && ApiKeys.HashEquals(current.KeyCheck, _protector.KeyCheck) ? null : current.KeyId;
    }

    private bool Opens(byte[] sample)
    {
        try
        {
            _protector.Unprotect(sample);
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>The process's encryption key is not the database's; the message names both key ids, never a key.</summary>
public sealed class EncryptionKeyMismatchException : Exception
{
    public EncryptionKeyMismatchException(string message)
        : base(message)
    {
    }

    public EncryptionKeyMismatchException()
    {
    }

    public EncryptionKeyMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
