using System.Text.Json.Nodes;
using Tributary.Core.Ports;
using Tributary.Core.Records;
using Tributary.Sdk;

namespace Tributary.Core.Tests.Records;

public sealed class RecordPreparerTests
{
    [Fact]
    public void Prepare_NumericIdBecomesAString_AndDuplicatesKeepTheFirst()
    {
        var batch = RecordPreparer.Prepare<JsonObject>(
            [new() { ["id"] = 42, ["v"] = 1 }, new() { ["id"] = "42", ["v"] = 2 }, new() { ["id"] = "b" }],
            "Deal");

        Assert.Equal(["42", "b"], batch.Records.Select(r => r.ExternalId));
        Assert.Equal("""{"id":"42","v":1}""", batch.Records[0].PayloadJson);
        Assert.Equal(["42"], batch.Duplicates);
        Assert.Equal(RecordPreparer.Hash(batch.Records[0].PayloadJson), batch.Records[0].Hash);
    }

    [Theory]
    [InlineData("""{"name":"x"}""", "Record 1 of model 'Deal' has no id field.")]
    [InlineData("""{"id":""}""", "Record 1 of model 'Deal' has an id of 0 characters; ids are 1 to 255 characters.")]
    [InlineData("""{"id":true}""", "Record 1 of model 'Deal' has an id that is neither a string nor a number.")]
    public void Prepare_BadId_FailsNamingModelAndIndex(string second, string message)
    {
        var error = Assert.Throws<InvalidRecordsException>(
            () => RecordPreparer.Prepare<JsonNode>([JsonNode.Parse("""{"id":"a"}""")!, JsonNode.Parse(second)!], "Deal"));

        Assert.Equal(message, error.Message);
    }

    /// <summary>A batch of a function's usual size (a 1,000-record API page).</summary>
    private const int Large = 1_000;

    [Fact]
    public void Prepare_ALargeBatch_GivesWhatEachRecordGivesAlone_InBatchOrder_WithTheSameDuplicates()
    {
        var records = Enumerable.Range(0, Large)
            .Select(i => i % 3 == 0
                ? new JsonObject { ["id"] = i % 250 == 0 ? 7 : i, ["v"] = i }
                : new JsonObject { ["id"] = $"s{(i % 97 == 0 ? 1 : i)}", ["v"] = i, ["note"] = new string('x', i % 50) })
            .ToList();

        var batch = RecordPreparer.Prepare<JsonObject>(records, "Deal");

        var expected = new List<PreparedRecord>();
        var expectedDuplicates = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var alone = RecordPreparer.Prepare<JsonObject>([record], "Deal").Records[0];
            if (seen.Add(alone.ExternalId))
            {
                expected.Add(alone);
            }
            else
            {
                expectedDuplicates.Add(alone.ExternalId);
            }
        }

        Assert.NotEmpty(expectedDuplicates);
        Assert.Equal(expected, batch.Records);
        Assert.Equal(expectedDuplicates, batch.Duplicates);
    }

    [Fact]
    public void Prepare_ALargeBatch_WithBadRecordsInSeveralPlaces_FailsNamingTheFirst()
    {
        var records = Enumerable.Range(0, Large).Select(i => (JsonNode)new JsonObject { ["id"] = $"r{i}" }).ToList();
        records[900] = new JsonObject { ["name"] = "no id" };
        records[300] = new JsonObject { ["id"] = true };
        records[301] = new JsonObject { ["id"] = "" };

        var error = Assert.Throws<InvalidRecordsException>(() => RecordPreparer.Prepare(records, "Deal"));

        Assert.Equal("Record 300 of model 'Deal' has an id that is neither a string nor a number.", error.Message);
    }

    [Fact]
    public void Prepare_ALargeBatch_ABadRecordBeforeOneThatCannotBeSerialized_FailsNamingTheBadRecord()
    {
        var records = Enumerable.Range(0, Large).Select(i => (object)new JsonObject { ["id"] = $"r{i}" }).ToList();
        records[700] = new Unserializable();
        records[10] = new JsonObject { ["name"] = "no id" };

        var error = Assert.Throws<InvalidRecordsException>(() => RecordPreparer.Prepare(records, "Deal"));

        Assert.Equal("Record 10 of model 'Deal' has no id field.", error.Message);
    }

    [Fact]
    public void Prepare_ALargeBatch_ARecordThatCannotBeSerialized_BeforeABadOne_FailsWithItsOwnError()
    {
        var records = Enumerable.Range(0, Large).Select(i => (object)new JsonObject { ["id"] = $"r{i}" }).ToList();
        records[10] = new Unserializable();
        records[700] = new JsonObject { ["name"] = "no id" };

        var error = Assert.Throws<InvalidOperationException>(() => RecordPreparer.Prepare(records, "Deal"));

        Assert.Equal(Unserializable.Message, error.Message);
    }

    [Fact]
    public void Prepare_KeepsEachPayloadAsTheSerializersUtf8_ANumericIdQuoted()
    {
        var item = new Item("é✓", new string('x', 300));
        var batch = RecordPreparer.Prepare<object>([item, new JsonObject { ["id"] = 42, ["v"] = "ü" }], "Deal");

        Assert.Equal(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(item, Web), batch.Records[0].PayloadUtf8.ToArray());
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes("""{"id":"42","v":"\u00FC"}"""), batch.Records[1].PayloadUtf8.ToArray());
        Assert.Equal("""{"id":"42","v":"\u00FC"}""", batch.Records[1].PayloadJson);
        Assert.Equal(RecordPreparer.Hash(batch.Records[1].PayloadJson), batch.Records[1].Hash);
    }

    /// <summary>
    /// A prepared batch waits for its write with every payload alive, so a run's collections promote it: as UTF-8 it
    /// holds each payload once (as UTF-16 text it was twice its bytes, the largest part of a records run's memory, B11).
    /// </summary>
    [Fact]
    public void Prepare_AllocatesAboutOncePerPayloadByte_NotTwice()
    {
        var records = Enumerable.Range(0, 200).Select(i => new Item($"r{i}", new string((char)('a' + (i % 26)), 1000))).ToList();
        RecordPreparer.Prepare(records, "Deal");
        var payloadBytes = records.Sum(r => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(r, Web).Length);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var batch = RecordPreparer.Prepare(records, "Deal");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(200, batch.Records.Count);
        Assert.True(allocated < payloadBytes * 1.5, $"{allocated:N0} bytes allocated for {payloadBytes:N0} bytes of payload");
    }

    /// <summary>
    /// A large batch is prepared on the calling thread, every payload with it: spread over a second thread, the
    /// payloads raised the records worker's peak memory (B11) for a gain the ingest figures could not show.
    /// </summary>
    [Fact]
    public void Prepare_ALargeBatch_AllocatesEveryPayloadOnTheCallingThread()
    {
        var records = Enumerable.Range(0, Large).Select(i => new Item($"r{i}", new string((char)('a' + (i % 26)), 1000))).ToList();
        RecordPreparer.Prepare(records, "Deal");
        var payloadBytes = records.Sum(r => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(r, Web).Length);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var batch = RecordPreparer.Prepare(records, "Deal");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Large, batch.Records.Count);
        Assert.True(allocated >= payloadBytes, $"{allocated:N0} bytes allocated on this thread for {payloadBytes:N0} bytes of payload: some were allocated elsewhere");
        Assert.True(allocated < payloadBytes * 1.5, $"{allocated:N0} bytes allocated for {payloadBytes:N0} bytes of payload");
    }

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private sealed record Item(string Id, string Text);

    [Fact]
    public void Hash_IsTheFirst128BitsOfSha256InLowerHex_CallAfterCall()
    {
        foreach (var payload in new[] { """{"id":"a"}""", "", """{"id":"é","n":1}""", """{"id":"a"}""", new string('x', 5000) })
        {
            var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(payload))[..16]);

            Assert.Equal(expected, RecordPreparer.Hash(payload));
        }
    }

    private sealed class Unserializable
    {
        public const string Message = "This record's getter throws.";

        private readonly string _message = Message;

        public string Id => throw new InvalidOperationException(_message);
    }
}
