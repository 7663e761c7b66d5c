using Microsoft.AspNetCore.Http;
using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class NangoHeadersTests
{
    [Fact]
    public void From_HeadersInAnyCase_ReadsBoth()
    {
        var headers = new HeaderDictionary { ["connection-id"] = "conn-1", ["PROVIDER-CONFIG-KEY"] = "pck" };

        Assert.Equal(new NangoHeaders("conn-1", "pck"), NangoHeaders.From(headers));
    }

    [Fact]
    public void From_AbsentHeaders_AreNullButEmptyHeadersStayEmpty()
    {
        var headers = new HeaderDictionary { ["Connection-Id"] = "" };

        Assert.Equal(new NangoHeaders("", null), NangoHeaders.From(headers));
    }

    [Fact]
    public void From_RepeatedHeader_JoinsValuesAsNodeDoes()
    {
        var headers = new HeaderDictionary { ["Connection-Id"] = new(["a", "b"]) };

        Assert.Equal("a, b", NangoHeaders.From(headers).ConnectionId);
    }
}
