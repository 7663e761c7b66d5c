using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class FrequencyUpdateRequestParserTests
{
    [Fact]
    public void Parse_ValidBody_ReturnsRequestWithBaseVariantByDefault()
    {
        var request = TestInput.ValueOf(Parse("""{"sync_name":"contacts","provider_config_key":"pck","connection_id":"conn-1","frequency":"every 5 minutes"}"""));

        Assert.Equal(new FrequencyUpdateRequest("contacts", "base", "pck", "conn-1", "every 5 minutes"), request);
    }

    [Fact]
    public void Parse_VariantGiven_CarriesIt()
    {
        var request = TestInput.ValueOf(Parse("""{"sync_name":"contacts","sync_variant":"v1","provider_config_key":"pck","connection_id":"c","frequency":"1h"}"""));

        Assert.Equal("v1", request.SyncVariant);
    }

    [Fact]
    public void Parse_NullFrequency_MeansReset()
    {
        var request = TestInput.ValueOf(Parse("""{"sync_name":"contacts","provider_config_key":"pck","connection_id":"c","frequency":null}"""));

        Assert.Null(request.Frequency);
    }

    [Fact]
    public void Parse_MissingFrequency_IsRequired()
    {
        var error = TestInput.ErrorOf(Parse("""{"sync_name":"contacts","provider_config_key":"pck","connection_id":"c"}"""));

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "invalid_type", "Invalid input: expected string, received undefined", "frequency");
    }

    [Fact]
    public void Parse_FrequencyOutsideGrammar_ReportsFrequencyPattern()
    {
        var error = TestInput.ErrorOf(Parse("""{"sync_name":"contacts","provider_config_key":"pck","connection_id":"c","frequency":"every 2 weeks"}"""));

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "invalid_format",
            @"Invalid string: must match pattern /^(?<every>every )?((?<amount>[0-9]+)?\s?(?<unit>(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?))|(?<unit2>(month|week|half day|half hour|quarter hour)))$/",
            "frequency");
    }

    [Fact]
    public void Parse_InvalidMembers_ReportsAllInSchemaOrder()
    {
        var error = TestInput.ErrorOf(Parse("""{"extra":1,"frequency":5,"connection_id":"#","sync_variant":"v 1","sync_name":"a.b"}"""));

        Assert.Equal(new[] { "sync_name", "sync_variant", "provider_config_key", "connection_id", "frequency", "" }, TestInput.PathsOf(error));
        Assert.Equal("Invalid string: must match pattern /^[a-zA-Z0-9_-]+$/", TestInput.IssuesOf(error)[0].Message);
        Assert.Equal("Invalid input: expected string, received number", TestInput.IssuesOf(error)[4].Message);
    }

    [Fact]
    public void Parse_AnyQueryParameter_ReturnsInvalidQueryParams()
    {
        var error = TestInput.ErrorOf(FrequencyUpdateRequestParser.Parse(TestInput.Query("?env=dev"), TestInput.Json("{}")));

        Assert.Equal("invalid_query_params", error.Code);
    }

    [Theory]
    [InlineData("every hour", 3600, "1h")]
    [InlineData("every half day", 43200, "12h")]
    [InlineData("30s", 30, "30s")]
    [InlineData("every 5 minutes", 300, "5 minutes")]
    public void ResolveInterval_ValidFrequency_ReturnsIntervalAndNormalisedText(string frequency, int seconds, string normalized)
    {
        var interval = TestInput.ValueOf(FrequencyUpdateRequestParser.ResolveInterval(frequency));

        Assert.Equal(new FrequencyInterval(TimeSpan.FromSeconds(seconds), normalized), interval);
    }

    [Theory]
    [InlineData("10s")]
    [InlineData("every hours")]
    public void ResolveInterval_TooShortOrUnparseable_ReturnsSyncIntervalIsInvalid(string frequency)
    {
        var error = TestInput.ErrorOf(FrequencyUpdateRequestParser.ResolveInterval(frequency));

        Assert.Equal(
            """{"error":{"code":"invalid_body","message":"Sync interval is invalid"},"message":"Sync interval is invalid"}""",
            error.ToJson());
    }

    private static ParseResult<FrequencyUpdateRequest> Parse(string body) =>
        FrequencyUpdateRequestParser.Parse(TestInput.NoQuery, TestInput.Json(body));
}
