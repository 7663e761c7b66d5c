using System.Text.Json.Nodes;
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
}
