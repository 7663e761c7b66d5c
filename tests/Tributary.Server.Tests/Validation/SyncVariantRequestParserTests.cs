using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class SyncVariantRequestParserTests
{
    private const string ValidBody = """{"provider_config_key":"pck","connection_id":"conn-1"}""";

    [Fact]
    public void ParseCreate_ValidRequest_ReturnsRequest()
    {
        var request = TestInput.ValueOf(SyncVariantRequestParser.ParseCreate("contacts", "v1", TestInput.NoQuery, TestInput.Json(ValidBody)));

        Assert.Equal(new SyncVariantRequest("contacts", "v1", "pck", "conn-1"), request);
    }

    [Theory]
    [InlineData("base")]
    [InlineData("Base")]
    public void ParseCreate_BaseVariantInAnyCase_IsProtected(string variant)
    {
        var error = TestInput.ErrorOf(SyncVariantRequestParser.ParseCreate("contacts", variant, TestInput.NoQuery, TestInput.Json(ValidBody)));

        Assert.Equal(400, error.Status);
        Assert.Equal(
            $$"""{"error":{"code":"invalid_variant","message":"Variant name \"{{variant}}\" is protected."},"message":"Variant name \"{{variant}}\" is protected."}""",
            error.ToJson());
    }

    [Fact]
    public void ParseDelete_BaseVariant_IsProtected()
    {
        var error = TestInput.ErrorOf(SyncVariantRequestParser.ParseDelete("contacts", "BASE", TestInput.NoQuery, TestInput.Json(ValidBody)));

        Assert.Equal(
            """{"error":{"code":"invalid_variant","message":"Cannot delete protected variant \"BASE\"."},"message":"Cannot delete protected variant \"BASE\"."}""",
            error.ToJson());
    }

    [Fact]
    public void ParseDelete_ValidRequest_ReturnsRequest()
    {
        var request = TestInput.ValueOf(SyncVariantRequestParser.ParseDelete("contacts", "v1", TestInput.NoQuery, TestInput.Json(ValidBody)));

        Assert.Equal("v1", request.Variant);
    }

    [Fact]
    public void ParseCreate_BadRouteParameters_ReturnsInvalidUriParams()
    {
        var error = TestInput.ErrorOf(SyncVariantRequestParser.ParseCreate("con.tacts", "v 1", TestInput.NoQuery, TestInput.Json(ValidBody)));

        Assert.Equal("invalid_uri_params", error.Code);
        Assert.Equal(new[] { "name", "variant" }, TestInput.PathsOf(error));
        Assert.Equal("Invalid string: must match pattern /^[a-zA-Z0-9_-]+$/", TestInput.IssuesOf(error)[0].Message);
    }

    [Fact]
    public void ParseCreate_BadBodyAndBadRoute_ReportsBodyFirst()
    {
        var error = TestInput.ErrorOf(SyncVariantRequestParser.ParseCreate("con.tacts", "v1", TestInput.NoQuery, TestInput.Json("""{"provider_config_key":"pck"}""")));

        Assert.Equal("invalid_body", error.Code);
        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "invalid_type", "Invalid input: expected string, received undefined", "connection_id");
    }

    [Fact]
    public void ParseCreate_UnknownBodyKey_IsRejected()
    {
        var error = TestInput.ErrorOf(SyncVariantRequestParser.ParseCreate(
            "contacts",
            "v1",
            TestInput.NoQuery,
            TestInput.Json("""{"provider_config_key":"pck","connection_id":"c","frequency":"1h"}""")));

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "unrecognized_keys", "Unrecognized key: \"frequency\"");
    }

    [Fact]
    public void ParseCreate_BadRouteAndQuery_ReportsRouteFirst()
    {
        var error = TestInput.ErrorOf(SyncVariantRequestParser.ParseCreate("con.tacts", "v1", TestInput.Query("?x=1"), TestInput.Json(ValidBody)));

        Assert.Equal("invalid_uri_params", error.Code);
    }

    [Fact]
    public void ParseDelete_QueryAndBaseVariant_ReportsQueryFirst()
    {
        var error = TestInput.ErrorOf(SyncVariantRequestParser.ParseDelete("contacts", "base", TestInput.Query("?x=1"), TestInput.Json(ValidBody)));

        Assert.Equal("invalid_query_params", error.Code);
    }
}
