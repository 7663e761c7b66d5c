using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class SyncControlRequestParserTests
{
    private const string ProviderConfigKeyPatternMessage = "Invalid string: must match pattern /^[a-zA-Z0-9~:.@ _-]+$/";

    [Fact]
    public void Parse_ValidBody_ReturnsRequest()
    {
        var request = TestInput.ValueOf(Parse("""{"syncs":["a","b::v1",{"name":"c","variant":"v2"}],"provider_config_key":"pck","connection_id":"conn-1"}"""));

        Assert.Equal("pck", request.ProviderConfigKey);
        Assert.Equal("conn-1", request.ConnectionId);
        Assert.Equal(new[] { new SyncIdentifier("a", "base"), new SyncIdentifier("b", "v1"), new SyncIdentifier("c", "v2") }, request.Syncs);
    }

    [Fact]
    public void Parse_NoConnectionIdAndEmptySyncs_MeansEverything()
    {
        var request = TestInput.ValueOf(Parse("""{"syncs":[],"provider_config_key":"pck"}"""));

        Assert.Null(request.ConnectionId);
        Assert.Empty(request.Syncs);
    }

    [Fact]
    public void Parse_MissingRequiredMembers_ReportsEach()
    {
        var error = TestInput.ErrorOf(SyncControlRequestParser.Parse(null));

        Assert.Equal(
            """{"error":{"code":"invalid_body","errors":[{"code":"invalid_type","message":"Invalid input: expected array, received undefined","path":["syncs"]},{"code":"invalid_type","message":"Invalid input: expected string, received undefined","path":["provider_config_key"]}]},"message":"syncs: Invalid input: expected array, received undefined (and 1 more)"}""",
            error.ToJson());
    }

    [Fact]
    public void Parse_ProviderConfigKeyWithForbiddenCharacter_ReportsPattern()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":[],"provider_config_key":"a/b"}"""));

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "invalid_format", ProviderConfigKeyPatternMessage, "provider_config_key");
    }

    [Fact]
    public void Parse_ProviderConfigKeyTooLong_ReportsMaximum()
    {
        var error = TestInput.ErrorOf(Parse($$"""{"syncs":[],"provider_config_key":"{{new string('k', 256)}}"}"""));

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "too_big",
            "Too big: expected string to have <=255 characters",
            "provider_config_key");
    }

    [Fact]
    public void Parse_ProviderConfigKeyAtMaximum_IsAccepted()
    {
        var request = TestInput.ValueOf(Parse($$"""{"syncs":[],"provider_config_key":"{{new string('k', 255)}}"}"""));

        Assert.Equal(255, request.ProviderConfigKey.Length);
    }

    [Fact]
    public void Parse_ProviderConfigKeyWrongPatternAndTooLong_ReportsBothInOrder()
    {
        var error = TestInput.ErrorOf(Parse($$"""{"syncs":[],"provider_config_key":"{{new string('/', 256)}}"}"""));

        Assert.Equal(new[] { "invalid_format", "too_big" }, TestInput.IssuesOf(error).Select(issue => issue.Code));
    }

    [Fact]
    public void Parse_ProviderConfigKeyWithTrailingNewline_IsRejectedAsJavaScriptWould()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":[],"provider_config_key":"pck\n"}"""));

        Assert.Equal("invalid_format", Assert.Single(TestInput.IssuesOf(error)).Code);
    }

    [Fact]
    public void Parse_ConnectionIdWithLegacyCharacters_IsAccepted()
    {
        var request = TestInput.ValueOf(Parse("""{"syncs":[],"provider_config_key":"p~:.@ _-","connection_id":"a,.;:=+~[]|@${}\"'\\/_ -z"}"""));

        Assert.Equal("a,.;:=+~[]|@${}\"'\\/_ -z", request.ConnectionId);
        Assert.Equal("p~:.@ _-", request.ProviderConfigKey);
    }

    [Fact]
    public void Parse_ConnectionIdWithForbiddenCharacter_ReportsZodPatternText()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":[],"provider_config_key":"pck","connection_id":"a#b"}"""));

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "invalid_format",
            """Invalid string: must match pattern /^[a-zA-Z0-9,.;:=+~[\]|@${}"'\\/_ -]+$/""",
            "connection_id");
    }

    [Theory]
    [InlineData("""{"name":"n","variant":"v","extra":1}""")]
    [InlineData("""{"name":"n"}""")]
    [InlineData("7")]
    public void Parse_ItemNotStringOrStrictObject_ReportsDefaultUnionMessage(string item)
    {
        var error = TestInput.ErrorOf(Parse("{\"syncs\":[\"ok\"," + item + "],\"provider_config_key\":\"pck\"}"));

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "invalid_union", "Invalid input", "syncs", "1");
    }

    [Fact]
    public void Parse_MoreThan256Syncs_ReportsArrayMaximumAfterItemIssues()
    {
        var items = string.Join(',', Enumerable.Repeat("\"s\"", 256).Append("1"));

        var error = TestInput.ErrorOf(Parse("{\"syncs\":[" + items + "],\"provider_config_key\":\"pck\"}"));

        Assert.Equal(new[] { "syncs.256", "syncs" }, TestInput.PathsOf(error));
        Assert.Equal("Too big: expected array to have <=256 items", TestInput.IssuesOf(error)[1].Message);
    }

    [Fact]
    public void Parse_Exactly256Syncs_IsAccepted()
    {
        var items = string.Join(',', Enumerable.Repeat("\"s\"", 256));

        var request = TestInput.ValueOf(Parse("{\"syncs\":[" + items + "],\"provider_config_key\":\"pck\"}"));

        Assert.Equal(256, request.Syncs.Count);
    }

    [Fact]
    public void Parse_UnknownKey_IsRejected()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":[],"provider_config_key":"pck","opts":{}}"""));

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "unrecognized_keys", "Unrecognized key: \"opts\"");
    }

    private static ParseResult<SyncControlRequest> Parse(string body) => SyncControlRequestParser.Parse(TestInput.Json(body));
}
