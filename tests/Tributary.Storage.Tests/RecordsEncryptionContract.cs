using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Core.Ports;
using Tributary.Sdk;
using Tributary.Storage.Stores;
using Tributary.Testing;

namespace Tributary.Storage.Tests;

/// <summary>
/// Record payload encryption on both databases: ciphertexts bound to their row, keyed change-detection hashes,
/// change detection that still works, and rows written by older versions (<c>enc1:</c>, unkeyed hashes).
/// </summary>
public abstract class RecordsEncryptionContract
{
    private const string Model = "Ticket";

    protected abstract TestDialect Dialect { get; }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static byte[] KeyA => [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    private static byte[] KeyB => [.. Enumerable.Range(101, 32).Select(i => (byte)i)];

    private static PreparedRecord Record(string id, string name) =>
        new(id, $"{{\"id\":\"{id}\",\"name\":\"{name}\"}}", $"hash-{name}");

    private static JsonObject Ticket(string id, string name) => new() { ["id"] = id, ["name"] = name };

    [Fact]
    public async Task Encryption_StoresCiphertextAndReadsPlaintext_OldPlaintextRowsStayReadable()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        await t.H.Records.UpsertAsync(t.Write(run, Model), [Record("plain", "1")], Token);
        var encrypted = new SqlRecordStore(t.Database, new RecordsPayloadCipher(KeyA));

        await encrypted.UpsertAsync(t.Write(run, Model), [Record("secret", "confidential")], Token);
        var raw = await t.RawPayloadAsync(Model, "secret", Token);
        var read = (await encrypted.ReadPageAsync(new RecordPageQuery(t.Connection.Id, Model, null, null, RecordFilter.None, [], 10), Token)).Records;
        var live = await encrypted.GetLivePayloadsAsync(t.Connection.Id, Model, ["secret"], Token);

        Assert.StartsWith("enc2:", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("confidential", raw, StringComparison.Ordinal);
        Assert.Equal(Record("plain", "1").PayloadJson, read.Single(r => r.ExternalId == "plain").PayloadJson);
        Assert.Equal(Record("secret", "confidential").PayloadJson, read.Single(r => r.ExternalId == "secret").PayloadJson);
        Assert.Equal(Record("secret", "confidential").PayloadJson, live["secret"].PayloadJson);
        await Assert.ThrowsAsync<InvalidOperationException>(() => t.ReadAllAsync(Model, Token));
        var wrongKey = await Assert.ThrowsAsync<CryptographicException>(
            () => new SqlRecordStore(t.Database, new RecordsPayloadCipher(KeyB)).ReadPageAsync(
                new RecordPageQuery(t.Connection.Id, Model, null, null, RecordFilter.None, ["secret"], 10), Token));
        Assert.Contains(RecordsPayloadCipher.EnvironmentVariable, wrongKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encryption_OfABatchExpectedNew_StoresCiphertextBoundToItsRow_AndItsKeyedHash()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        var encrypted = new SqlRecordStore(t.Database, new RecordsPayloadCipher(KeyA));

        var result = await encrypted.UpsertAsync(
            t.Write(run, Model) with { ProbeUnchanged = false, ExpectNew = true }, [Record("s1", "confidential"), Record("s2", "secret")], Token);
        var raw = await t.RawPayloadAsync(Model, "s1", Token);
        var read = (await encrypted.ReadPageAsync(new RecordPageQuery(t.Connection.Id, Model, null, null, RecordFilter.None, [], 10), Token)).Records;
        var resaved = await encrypted.UpsertAsync(t.Write(run, Model), [Record("s1", "confidential"), Record("s2", "secret")], Token);

        // PostgreSQL appends this batch by COPY: the same ciphertext and keyed hash the upsert writes, so the same
        // records saved again are found unchanged.
        Assert.Equal(new BatchResult(2, 0, 0, 0), result);
        Assert.StartsWith("enc2:", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("confidential", raw, StringComparison.Ordinal);
        Assert.Equal([Record("s1", "confidential").PayloadJson, Record("s2", "secret").PayloadJson], read.Select(r => r.PayloadJson));
        Assert.Equal(new BatchResult(0, 0, 0, 2), resaved);
    }

    [Fact]
    public async Task Hash_OfOnePayloadUnderTwoKeys_DiffersAndNeitherIsThePlainSha256()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        var underA = new SqlRecordStore(t.Database, new RecordsPayloadCipher(KeyA));
        var underB = new SqlRecordStore(t.Database, new RecordsPayloadCipher(KeyB));

        // The same payload through the engine's own preparation: unencrypted, under key A, under key B.
        await t.Context(run).BatchSaveAsync([Ticket("a", "guessable")], Model, Token);
        var plainHash = await t.RawHashAsync(Model, "a", Token);
        var payload = await t.RawPayloadAsync(Model, "a", Token);
        await t.Context(run, records: underA).BatchSaveAsync([Ticket("a", "guessable")], Model, Token);
        var hashA = await t.RawHashAsync(Model, "a", Token);
        await t.Context(run, records: underB).BatchSaveAsync([Ticket("a", "guessable")], Model, Token);
        var hashB = await t.RawHashAsync(Model, "a", Token);

        // The Sdk's rule: the first 128 bits of SHA-256 of the payload's UTF-8, as hex.
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload))[..16]), plainHash);
        Assert.NotEqual(plainHash, hashA);
        Assert.NotEqual(plainHash, hashB);
        Assert.NotEqual(hashA, hashB);
        Assert.Equal(32, hashA.Length);
    }

    [Fact]
    public async Task Ciphertext_CopiedToAnotherIdModelOrConnection_FailsToDecryptWithAClearError()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        var store = new SqlRecordStore(t.Database, new RecordsPayloadCipher(KeyA));
        var other = await t.H.CreateConnectionAsync("c2", Token);
        await store.UpsertAsync(t.Write(run, Model), [Record("a", "secret"), Record("b", "other")], Token);
        await store.UpsertAsync(t.Write(run, "Agent"), [Record("a", "agent")], Token);
        await store.UpsertAsync(t.Write(run, Model) with { ConnectionDbId = other.Id }, [Record("a", "elsewhere")], Token);
        var ciphertext = await t.RawPayloadAsync(Model, "a", Token);
        var hash = await t.RawHashAsync(Model, "a", Token);

        await t.SetRawAsync(Model, "b", ciphertext, hash, Token);
        await t.SetRawAsync("Agent", "a", ciphertext, hash, Token);
        await t.SetRawAsync(Model, "a", ciphertext, hash, Token, other.Id);

        async Task<CryptographicException> ReadFails(long connectionDbId, string model, string id) =>
            await Assert.ThrowsAsync<CryptographicException>(() => store.ReadPageAsync(
                new RecordPageQuery(connectionDbId, model, null, null, RecordFilter.None, [id], 10), Token));
        var anotherId = await ReadFails(t.Connection.Id, Model, "b");
        var anotherModel = await ReadFails(t.Connection.Id, "Agent", "a");
        var anotherConnection = await ReadFails(other.Id, Model, "a");
        var merge = await Assert.ThrowsAsync<CryptographicException>(() => store.GetLivePayloadsAsync(t.Connection.Id, Model, ["b"], Token));

        Assert.Equal("{\"id\":\"a\",\"name\":\"secret\"}", (await store.ReadPageAsync(
            new RecordPageQuery(t.Connection.Id, Model, null, null, RecordFilter.None, ["a"], 10), Token)).Records.Single().PayloadJson);
        Assert.Contains("record 'b' of model 'Ticket'", anotherId.Message, StringComparison.Ordinal);
        Assert.Contains("copied from another record, model or connection", anotherId.Message, StringComparison.Ordinal);
        Assert.Contains("record 'a' of model 'Agent'", anotherModel.Message, StringComparison.Ordinal);
        Assert.Contains("record 'a' of model 'Ticket'", anotherConnection.Message, StringComparison.Ordinal);
        Assert.Contains("record 'b'", merge.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", anotherId.Message.Replace(RecordsPayloadCipher.EnvironmentVariable, string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnchangedResave_UnderEncryption_IsUnchangedAndWritesNothing()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        var store = new SqlRecordStore(t.Database, new RecordsPayloadCipher(KeyA));
        var context = t.Context(run, records: store);
        await context.BatchSaveAsync([Ticket("a", "one"), Ticket("b", "two")], Model, Token);
        var before = await store.ReadPageAsync(new RecordPageQuery(t.Connection.Id, Model, null, null, RecordFilter.None, [], 10), Token);
        var rawBefore = await t.RawPayloadAsync(Model, "a", Token);
        var versionBefore = await t.RowVersionAsync(Model, "a", Token);

        var save = await context.BatchSaveAsync([Ticket("a", "one"), Ticket("b", "changed")], Model, Token);
        var update = await context.BatchUpdateAsync([new JsonObject { ["id"] = "a", ["name"] = "one" }], Model, Token);
        var after = await store.ReadPageAsync(new RecordPageQuery(t.Connection.Id, Model, null, null, RecordFilter.None, [], 10), Token);

        Assert.Equal((0, 1, 0, 1), (save.Added, save.Updated, save.Deleted, save.Unchanged));
        Assert.Equal((0, 0, 1), (update.Added, update.Updated, update.Unchanged));
        Assert.Equal(rawBefore, await t.RawPayloadAsync(Model, "a", Token));
        Assert.Equal(versionBefore, await t.RowVersionAsync(Model, "a", Token));
        Assert.Equal(before.Records.Single(r => r.ExternalId == "a").Seq, after.Records.Single(r => r.ExternalId == "a").Seq);
        Assert.Equal("{\"id\":\"b\",\"name\":\"changed\"}", after.Records.Single(r => r.ExternalId == "b").PayloadJson);
    }

    [Fact]
    public async Task OldRows_Enc1AndUnkeyedHash_AreReadThenRewrittenOnceByTheNextSave()
    {
        await using var t = await RecordsTestbed.CreateAsync(Dialect, Token);
        var run = await t.StartRunAsync("tickets", Token);
        var store = new SqlRecordStore(t.Database, new RecordsPayloadCipher(KeyA));
        var context = t.Context(run, records: store);

        // As the previous version left it: an unkeyed hash and a ciphertext without associated data.
        await t.Context(run).BatchSaveAsync([Ticket("a", "old")], Model, Token);
        var payload = await t.RawPayloadAsync(Model, "a", Token);
        var unkeyedHash = await t.RawHashAsync(Model, "a", Token);
        await t.SetRawAsync(Model, "a", LegacyEncrypt(KeyA, payload), unkeyedHash, Token);

        var read = await store.ReadPageAsync(new RecordPageQuery(t.Connection.Id, Model, null, null, RecordFilter.None, [], 10), Token);
        var firstSave = await context.BatchSaveAsync([Ticket("a", "old")], Model, Token);
        var rewritten = await t.RawPayloadAsync(Model, "a", Token);
        var keyedHash = await t.RawHashAsync(Model, "a", Token);
        var secondSave = await context.BatchSaveAsync([Ticket("a", "old")], Model, Token);

        Assert.Equal(payload, read.Records.Single().PayloadJson);
        Assert.Equal(1, firstSave.Updated);
        Assert.StartsWith("enc2:", rewritten, StringComparison.Ordinal);
        Assert.NotEqual(unkeyedHash, keyedHash);
        Assert.Equal((0, 1), (secondSave.Updated, secondSave.Unchanged));
        Assert.Equal(rewritten, await t.RawPayloadAsync(Model, "a", Token));
    }

    /// <summary>The <c>enc1:</c> format older versions wrote: AES-256-GCM, base64(nonce ‖ tag ‖ ciphertext), no associated data.</summary>
    private static string LegacyEncrypt(byte[] key, string payload)
    {
        var plain = Encoding.UTF8.GetBytes(payload);
        var data = new byte[12 + 16 + plain.Length];
        RandomNumberGenerator.Fill(data.AsSpan(0, 12));
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(data.AsSpan(0, 12), plain, data.AsSpan(28), data.AsSpan(12, 16));
        return "enc1:" + Convert.ToBase64String(data);
    }
}

public sealed class SqliteRecordsEncryptionTests : RecordsEncryptionContract
{
    protected override TestDialect Dialect => TestDialect.Sqlite;
}

[Trait("Category", "Postgres")]
public sealed class PostgresRecordsEncryptionTests : RecordsEncryptionContract
{
    protected override TestDialect Dialect => TestDialect.Postgres;
}
