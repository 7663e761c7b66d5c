using Microsoft.Extensions.Primitives;
using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class QueryInputTests
{
    [Fact]
    public void From_SameKeyInSeveralPairs_MergesValuesInOrder()
    {
        var input = QueryInput.From([KeyValuePair.Create("ids", new StringValues("a")), KeyValuePair.Create("ids", new StringValues("b"))]);

        Assert.True(input.TryGet("ids", out var values));
        Assert.Equal(new[] { "a", "b" }, values.ToArray());
        Assert.Equal(new[] { "ids" }, input.Keys);
    }

    [Fact]
    public void From_KeyWithoutValues_IsTreatedAsAbsent()
    {
        var input = QueryInput.From(new Dictionary<string, StringValues> { ["foo"] = StringValues.Empty });

        Assert.Empty(input.Keys);
        Assert.Null(RequestChecks.RequireEmptyQuery(input));
    }

    [Fact]
    public void TryGet_DifferentCase_DoesNotMatch()
    {
        var input = QueryInput.From(TestInput.Query("?Model=Contact"));

        Assert.False(input.TryGet("model", out _));
    }
}
