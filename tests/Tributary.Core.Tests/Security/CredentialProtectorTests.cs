using System.Security.Cryptography;
using Tributary.Core.Security;

namespace Tributary.Core.Tests.Security;

public sealed class CredentialProtectorTests
{
    private static readonly byte[] KeyA = Enumerable.Repeat((byte)1, 32).ToArray();
    private static readonly byte[] KeyB = Enumerable.Repeat((byte)2, 32).ToArray();

    [Fact]
    public void Protect_CarriesTheKeyId_AndRoundTrips()
    {
        var protector = new CredentialProtector(KeyA);

        var sealedText = protector.Protect("{\"token\":\"s3cret\"}");

        Assert.Equal(protector.KeyId, CredentialProtector.KeyIdOf(sealedText));
        Assert.Equal("{\"token\":\"s3cret\"}", protector.Unprotect(sealedText));
        Assert.Matches("^[0-9a-f]{8}$", protector.KeyId);
        Assert.NotEqual(new CredentialProtector(KeyB).KeyId, protector.KeyId);
    }

    [Fact]
    public void Unprotect_UnderAnotherKey_NamesBothKeyIdsAndNeitherKey()
    {
        var (a, b) = (new CredentialProtector(KeyA), new CredentialProtector(KeyB));

        var error = Assert.ThrowsAny<CryptographicException>(() => b.Unprotect(a.Protect("x")));

        Assert.Contains(a.KeyId, error.Message, StringComparison.Ordinal);
        Assert.Contains(b.KeyId, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(KeyA), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unprotect_ALegacyCiphertextWithoutKeyId_IsReadWithTheCurrentKey()
    {
        // The layout before key ids: nonce, tag, ciphertext.
        var plain = "{\"legacy\":true}"u8.ToArray();
        var legacy = new byte[12 + 16 + plain.Length];
        RandomNumberGenerator.Fill(legacy.AsSpan(0, 12));
        using (var aes = new AesGcm(KeyA, 16))
        {
            aes.Encrypt(legacy.AsSpan(0, 12), plain, legacy.AsSpan(28), legacy.AsSpan(12, 16));
        }

        Assert.Null(CredentialProtector.KeyIdOf(legacy));
        Assert.Equal("{\"legacy\":true}", new CredentialProtector(KeyA).Unprotect(legacy));
    }

    [Fact]
    public void ApiKeysHash_UpperAndLowerCaseKeys_AreOneKey()
    {
        var secret = ApiKeys.NewSecret();

        Assert.Equal(ApiKeys.Hash(secret), ApiKeys.Hash(secret.ToUpperInvariant()));
        Assert.Equal(ApiKeys.Hash(secret), ApiKeys.Hash($" {secret}\n"));
        Assert.True(ApiKeys.HashEquals(ApiKeys.Hash(secret), ApiKeys.Hash(secret.ToUpperInvariant())));
        Assert.False(ApiKeys.HashEquals(ApiKeys.Hash(secret), ApiKeys.Hash(ApiKeys.NewSecret())));
    }
}
