using Tributary.Core.Ports;
using Tributary.Core.Security;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>API keys (<see cref="IApiKeyStore"/>): revocation, configured-key rotation, listing; both databases.</summary>
public abstract class ApiKeyStoreContract
{
    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FindEnvironment_FindsAnExistingOne_AndCreatesNothingForAnUnknownName()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var staging = await h.ApiKeys.EnsureEnvironmentAsync("staging", Token);

        var found = await h.ApiKeys.FindEnvironmentAsync("staging", Token);
        var missing = await h.ApiKeys.FindEnvironmentAsync("prod", Token);

        Assert.Equal(staging, found);
        Assert.Null(missing);
        Assert.Null(await h.ApiKeys.FindEnvironmentAsync("prod", Token)); // the first look-up did not create it
    }

    [Fact]
    public async Task KeepConfigured_ANewConfiguredKey_RevokesThePreviousConfiguredKeyOnly()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var staging = await h.ApiKeys.EnsureEnvironmentAsync("staging", Token);
        var (oldKey, newKey, created, otherEnv) = (ApiKeys.NewSecret(), ApiKeys.NewSecret(), ApiKeys.NewSecret(), ApiKeys.NewSecret());
        await h.ApiKeys.KeepConfiguredApiKeyAsync(h.EnvironmentId, ApiKeys.Hash(oldKey), "TRIBUTARY_SECRET_KEY", [ApiKeys.AllScopes], Token);
        await h.ApiKeys.CreateApiKeyAsync(h.EnvironmentId, ApiKeys.Hash(created), "cli", [ApiKeys.AllScopes], Token);
        await h.ApiKeys.KeepConfiguredApiKeyAsync(staging.Id, ApiKeys.Hash(otherEnv), "TRIBUTARY_SECRET_KEY", [ApiKeys.AllScopes], Token);

        var again = await h.ApiKeys.KeepConfiguredApiKeyAsync(h.EnvironmentId, ApiKeys.Hash(oldKey), "TRIBUTARY_SECRET_KEY", [ApiKeys.AllScopes], Token);
        var rotated = await h.ApiKeys.KeepConfiguredApiKeyAsync(h.EnvironmentId, ApiKeys.Hash(newKey), "TRIBUTARY_SECRET_KEY", [ApiKeys.AllScopes], Token);

        Assert.Equal(0, again.Retired);
        Assert.Equal(1, rotated.Retired);
        Assert.False(rotated.Revoked);
        Assert.Null(await h.ApiKeys.FindApiKeyAsync(ApiKeys.Hash(oldKey), Token));
        Assert.NotNull(await h.ApiKeys.FindApiKeyAsync(ApiKeys.Hash(newKey), Token));
        Assert.NotNull(await h.ApiKeys.FindApiKeyAsync(ApiKeys.Hash(created), Token));
        Assert.NotNull(await h.ApiKeys.FindApiKeyAsync(ApiKeys.Hash(otherEnv), Token));
    }

    [Fact]
    public async Task KeepConfigured_ARevokedKey_StaysRevokedAcrossRestarts()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var secret = ApiKeys.NewSecret();
        var kept = await h.ApiKeys.KeepConfiguredApiKeyAsync(h.EnvironmentId, ApiKeys.Hash(secret), "TRIBUTARY_SECRET_KEY", [ApiKeys.AllScopes], Token);
        Assert.Equal(RevokeResult.Revoked, await h.ApiKeys.RevokeApiKeyAsync(kept.Id, Token));

        var restart = await h.ApiKeys.KeepConfiguredApiKeyAsync(h.EnvironmentId, ApiKeys.Hash(secret), "TRIBUTARY_SECRET_KEY", [ApiKeys.AllScopes], Token);
        await h.ApiKeys.CreateApiKeyAsync(h.EnvironmentId, ApiKeys.Hash(secret), "generated", [ApiKeys.AllScopes], Token);

        Assert.True(restart.Revoked);
        Assert.Equal(kept.Id, restart.Id);
        Assert.Null(await h.ApiKeys.FindApiKeyAsync(ApiKeys.Hash(secret), Token));
    }

    [Fact]
    public async Task Revoke_ThenListAndFind_ShowTheKeyRevokedAndNoLongerFound()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var secret = ApiKeys.NewSecret();
        var id = await h.ApiKeys.CreateApiKeyAsync(h.EnvironmentId, ApiKeys.Hash(secret), "reader", ["environment:syncs:read"], Token);
        var found = await h.ApiKeys.FindApiKeyAsync(ApiKeys.Hash(secret), Token);

        var first = await h.ApiKeys.RevokeApiKeyAsync(id, Token);
        var second = await h.ApiKeys.RevokeApiKeyAsync(id, Token);
        var missing = await h.ApiKeys.RevokeApiKeyAsync(id + 1000, Token);
        var listed = Assert.Single(await h.ApiKeys.ListApiKeysAsync(Token), k => k.Id == id);

        Assert.Equal(ApiKeys.Hash(secret), found!.KeyHash);
        Assert.Equal((RevokeResult.Revoked, RevokeResult.AlreadyRevoked, RevokeResult.NotFound), (first, second, missing));
        Assert.Null(await h.ApiKeys.FindApiKeyAsync(ApiKeys.Hash(secret), Token));
        Assert.Equal(("dev", "reader", false), (listed.EnvironmentName, listed.Name, listed.Configured));
        Assert.Equal(["environment:syncs:read"], listed.Scopes);
        Assert.NotNull(listed.RevokedAt);
    }

    [Fact]
    public async Task EncryptionKeys_FirstRecordWins_AndRotationReencryptsEveryCredential()
    {
        await using var h = await StoreHarness.CreateAsync(Dialect, Token);
        var store = new SqlEncryptionKeyStore(h.Database.Database, h.Time);
        var (oldKey, newKey) = (new CredentialProtector(new byte[32]), new CredentialProtector(Enumerable.Repeat((byte)7, 32).ToArray()));
        var first = await store.RecordFirstAsync(new EncryptionKeyRecord(oldKey.KeyId, oldKey.KeyCheck), Token);
        var loser = await store.RecordFirstAsync(new EncryptionKeyRecord(newKey.KeyId, newKey.KeyCheck), Token);
        await h.Connections.CreateAsync(new NewConnection(h.EnvironmentId, h.IntegrationId, "c1", "NONE", oldKey.Protect("{\"a\":1}"), "{}", h.Now), Token);

        var count = await store.RotateAsync(first, new EncryptionKeyRecord(newKey.KeyId, newKey.KeyCheck), c => newKey.Protect(oldKey.Unprotect(c)), Token);
        var stale = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.RotateAsync(first, new EncryptionKeyRecord("00000000", "x"), c => c, Token));
        var stored = (await store.AnyCredentialAsync(Token))!;

        Assert.Equal(oldKey.KeyId, loser.KeyId);
        Assert.Equal(1, count);
        Assert.Equal(newKey.KeyId, (await store.CurrentAsync(Token))!.KeyId);
        Assert.Equal(newKey.KeyId, CredentialProtector.KeyIdOf(stored));
        Assert.Equal("{\"a\":1}", newKey.Unprotect(stored));
        Assert.Contains(oldKey.KeyId, stale.Message, StringComparison.Ordinal);
    }
}

public sealed class SqliteApiKeyStoreTests : ApiKeyStoreContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresApiKeyStoreTests : ApiKeyStoreContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
