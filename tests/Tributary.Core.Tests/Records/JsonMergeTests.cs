using System.Text.Json.Nodes;
using Tributary.Sdk.Rules;

namespace Tributary.Core.Tests.Records;

public sealed class JsonMergeTests
{
    [Fact]
    public void Into_MergesObjectsDeeply_ReplacesArraysAndScalars_KeepsPropertyOrder()
    {
        var target = JsonNode.Parse("""{"id":"a","tags":[1,2],"address":{"city":"Paris","zip":"1"},"n":1}""")!.AsObject();

        JsonMerge.Into(target, JsonNode.Parse("""{"address":{"zip":"2"},"tags":[3],"n":null,"extra":true}""")!.AsObject());

        Assert.Equal("""{"id":"a","tags":[3],"address":{"city":"Paris","zip":"2"},"n":null,"extra":true}""", target.ToJsonString());
    }
}
