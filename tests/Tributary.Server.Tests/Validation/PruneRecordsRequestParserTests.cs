using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class PruneRecordsRequestParserTests
{
    private static readonly NangoHeaders ValidHeaders = new("conn-1", "pck");

    [Fact]
    public void Parse_MinimalBody_DefaultsLimitTo1000()
    {
        var request = Parse("""{"model":"Contact","until_cursor":"abc=="}""");

        Assert.Equal(new PruneRecordsRequest("conn-1", "pck", "Contact", null, "abc==", 1000), request);
        Assert.Equal("Contact", request.ModelFullName);
    }

    [Fact]
    public void Parse_Variant_DeterminesModelFullName()
    {
        Assert.Equal("Contact::v1", Parse("""{"model":"Contact","variant":"v1","until_cursor":"c"}""").ModelFullName);
    }

    [Theory]
    [InlineData("20", 20)]
    [InlineData("\"50\"", 50)]
    [InlineData("true", 1)]
    [InlineData("1e4", 10000)]
    public void Parse_Limit_IsCoercedLikeJavaScriptNumber(string limit, int expected)
    {
        Assert.Equal(expected, Parse("{\"model\":\"Contact\",\"until_cursor\":\"c\",\"limit\":" + limit + "}").Limit);
    }

    [Theory]
    [InlineData("0", "too_small", "Too small: expected number to be >=1")]
    [InlineData("null", "too_small", "Too small: expected number to be >=1")]
    [InlineData("10001", "too_big", "Too big: expected number to be <=10000")]
    [InlineData("\"many\"", "invalid_type", "Invalid input: expected number, received NaN")]
    [InlineData("{}", "invalid_type", "Invalid input: expected number, received NaN")]
    [InlineData("2.5", "invalid_type", "Invalid input: expected int, received number")]
    public void Parse_LimitOutOfRange_ReportsZodNumberIssue(string limit, string code, string message)
    {
        var error = ParseError("{\"model\":\"Contact\",\"until_cursor\":\"c\",\"limit\":" + limit + "}");

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), code, message, "limit");
    }

    [Fact]
    public void Parse_MissingMembers_ReportsEachInSchemaOrder()
    {
        var error = ParseError("""{"variant":"v 1","extra":true}""");

        Assert.Equal(
            """{"error":{"code":"invalid_body","errors":[{"code":"invalid_type","message":"Invalid input: expected string, received undefined","path":["model"]},{"code":"invalid_format","message":"Invalid string: must match pattern /^[a-zA-Z0-9_-]+$/","path":["variant"]},{"code":"invalid_type","message":"Invalid input: expected string, received undefined","path":["until_cursor"]},{"code":"unrecognized_keys","message":"Unrecognized key: \"extra\"","path":[]}]},"message":"model: Invalid input: expected string, received undefined (and 3 more)"}""",
            error.ToJson());
    }

    [Fact]
    public void Parse_EmptyUntilCursor_IsTooSmall()
    {
        var error = ParseError("""{"model":"Contact","until_cursor":""}""");

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "too_small", "Too small: expected string to have >=1 characters", "until_cursor");
    }

    [Fact]
    public void Parse_AnyQueryParameter_ReturnsInvalidQueryParams()
    {
        var error = TestInput.ErrorOf(PruneRecordsRequestParser.Parse(TestInput.Query("?model=Contact"), TestInput.Json("{}"), ValidHeaders));

        Assert.Equal("invalid_query_params", error.Code);
    }

    [Fact]
    public void Parse_BadBodyAndMissingHeaders_ReportsBodyFirst()
    {
        var error = TestInput.ErrorOf(PruneRecordsRequestParser.Parse(TestInput.NoQuery, TestInput.Json("{}"), new NangoHeaders(null, null)));

        Assert.Equal("invalid_body", error.Code);
    }

    [Fact]
    public void Parse_MissingConnectionIdHeader_ReturnsInvalidHeaders()
    {
        var error = TestInput.ErrorOf(PruneRecordsRequestParser.Parse(
            TestInput.NoQuery,
            TestInput.Json("""{"model":"Contact","until_cursor":"c"}"""),
            new NangoHeaders(null, "pck")));

        Assert.Equal("invalid_headers", error.Code);
        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "invalid_type", "Invalid input: expected string, received undefined", "connection-id");
    }

    private static PruneRecordsRequest Parse(string body) =>
        TestInput.ValueOf(PruneRecordsRequestParser.Parse(TestInput.NoQuery, TestInput.Json(body), ValidHeaders));

    private static ApiError ParseError(string body) =>
        TestInput.ErrorOf(PruneRecordsRequestParser.Parse(TestInput.NoQuery, TestInput.Json(body), ValidHeaders));
}
