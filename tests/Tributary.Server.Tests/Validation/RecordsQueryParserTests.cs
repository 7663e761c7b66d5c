using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class RecordsQueryParserTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly NangoHeaders ValidHeaders = new("conn-1", "pck");

    [Fact]
    public void Parse_ModelOnly_AppliesDefaults()
    {
        var query = Parse("?model=Contact");

        Assert.Equal(new RecordsQuery("conn-1", "pck", "Contact", null, null, 100, RecordFilters.None, null, query.Ids), query);
        Assert.Empty(query.Ids);
        Assert.Equal("Contact", query.ModelFullName);
    }

    [Theory]
    [InlineData("v1", "Contact::v1")]
    [InlineData("base", "Contact")]
    [InlineData("Base", "Contact::Base")]
    public void Parse_Variant_DeterminesModelFullName(string variant, string fullName)
    {
        Assert.Equal(fullName, Parse($"?model=Contact&variant={variant}").ModelFullName);
    }

    [Fact]
    public void Parse_MissingModel_ReturnsInvalidQueryParams()
    {
        var error = ParseError("");

        Assert.Equal(
            """{"error":{"code":"invalid_query_params","errors":[{"code":"invalid_type","message":"Invalid input: expected string, received undefined","path":["model"]}]},"message":"model: Invalid input: expected string, received undefined"}""",
            error.ToJson());
    }

    [Theory]
    [InlineData("contact")]
    [InlineData("C")]
    [InlineData("Con.tact")]
    public void Parse_ModelOutsidePattern_ReportsModelPattern(string model)
    {
        var error = ParseError($"?model={model}");

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "invalid_format", "Invalid string: must match pattern /^[A-Z][a-zA-Z0-9_-]+$/", "model");
    }

    [Fact]
    public void Parse_UnknownParameter_IsUnrecognizedAfterFieldIssues()
    {
        var error = ParseError("?order=asc&model=contact");

        Assert.Equal(new[] { "model", "" }, TestInput.PathsOf(error));
        Assert.Equal("Unrecognized key: \"order\"", TestInput.IssuesOf(error)[1].Message);
    }

    [Fact]
    public void Parse_MissingHeaders_ReturnsInvalidHeadersForEach()
    {
        var error = TestInput.ErrorOf(RecordsQueryParser.Parse(TestInput.Query("?model=Contact"), new NangoHeaders(null, null), Now));

        Assert.Equal(
            """{"error":{"code":"invalid_headers","errors":[{"code":"invalid_type","message":"Invalid input: expected string, received undefined","path":["connection-id"]},{"code":"invalid_type","message":"Invalid input: expected string, received undefined","path":["provider-config-key"]}]},"message":"connection-id: Invalid input: expected string, received undefined (and 1 more)"}""",
            error.ToJson());
    }

    [Fact]
    public void Parse_HeaderOutsidePattern_ReportsPattern()
    {
        var error = TestInput.ErrorOf(RecordsQueryParser.Parse(TestInput.Query("?model=Contact"), new NangoHeaders("conn", "p/k"), Now));

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "invalid_format",
            "Invalid string: must match pattern /^[a-zA-Z0-9~:.@ _-]+$/",
            "provider-config-key");
    }

    [Fact]
    public void Parse_BadQueryAndMissingHeaders_ReportsQueryFirst()
    {
        var error = TestInput.ErrorOf(RecordsQueryParser.Parse(TestInput.Query(""), new NangoHeaders(null, null), Now));

        Assert.Equal("invalid_query_params", error.Code);
    }

    [Theory]
    [InlineData("2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z")]
    [InlineData("2025-01-01T00:00:00.000Z", "2025-01-01T00:00:00Z")]
    [InlineData("2025-01-01T02:00:00%2B02:00", "2025-01-01T00:00:00Z")]
    [InlineData("2025-01-01T02:00:00+02:00", "2025-01-01T00:00:00Z")]
    [InlineData("2025-01-01T02:00:00 02:00", "2025-01-01T00:00:00Z")]
    [InlineData("2024-12-31T22:00:00-02:00", "2025-01-01T00:00:00Z")]
    public void Parse_ModifiedAfter_AcceptsUtcAndOffsetsIncludingPlusDecodedAsSpace(string raw, string expectedUtc)
    {
        var query = Parse($"?model=Contact&modified_after={raw}");

        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), query.ModifiedAfter);
        Assert.Equal(TimeSpan.Zero, query.ModifiedAfter?.Offset);
    }

    [Theory]
    [InlineData("2025-01-01")]
    [InlineData("2025-01-01T00:00:00")]
    [InlineData("yesterday")]
    [InlineData("2025-02-30T00:00:00Z")]
    public void Parse_ModifiedAfterNotAnInstant_ReportsInvalidIsoDatetime(string raw)
    {
        var error = ParseError($"?model=Contact&modified_after={raw}");

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "invalid_format", "Invalid ISO datetime", "modified_after");
    }

    [Fact]
    public void Parse_ModifiedAfterOlderThan365Days_IsRejected()
    {
        var error = ParseError("?model=Contact&modified_after=2024-06-01T11:59:59Z");

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "custom", "must be within the last 12 months", "modified_after");
    }

    [Fact]
    public void Parse_ModifiedAfterExactly365DaysAgo_IsAccepted()
    {
        var query = Parse("?model=Contact&modified_after=2024-06-01T12:00:00Z");

        Assert.Equal(Now.AddDays(-365), query.ModifiedAfter);
    }

    [Fact]
    public void Parse_DeltaTooOld_IsRejectedToo()
    {
        var error = ParseError("?model=Contact&delta=2020-01-01T00:00:00Z");

        Assert.Equal(new[] { "delta" }, TestInput.PathsOf(error));
    }

    [Fact]
    public void Parse_DeltaAndModifiedAfter_DeltaWins()
    {
        var query = Parse("?model=Contact&modified_after=2025-01-01T00:00:00Z&delta=2025-02-01T00:00:00Z");

        Assert.Equal(new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), query.ModifiedAfter);
    }

    [Theory]
    [InlineData("50", 50)]
    [InlineData("1", 1)]
    [InlineData("10000", 10000)]
    [InlineData("1e2", 100)]
    [InlineData("%2050%20", 50)]
    public void Parse_Limit_IsCoercedFromText(string raw, int expected)
    {
        Assert.Equal(expected, Parse($"?model=Contact&limit={raw}").Limit);
    }

    [Theory]
    [InlineData("0", "too_small", "Too small: expected number to be >=1")]
    [InlineData("", "too_small", "Too small: expected number to be >=1")]
    [InlineData("10001", "too_big", "Too big: expected number to be <=10000")]
    [InlineData("abc", "invalid_type", "Invalid input: expected number, received NaN")]
    [InlineData("Infinity", "invalid_type", "Invalid input: expected number, received Infinity")]
    [InlineData("1.5", "invalid_type", "Invalid input: expected int, received number")]
    public void Parse_LimitOutOfRange_ReportsZodNumberIssue(string raw, string code, string message)
    {
        var error = ParseError($"?model=Contact&limit={raw}");

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), code, message, "limit");
    }

    [Fact]
    public void Parse_RepeatedLimit_IsNotANumber()
    {
        var error = ParseError("?model=Contact&limit=1&limit=2");

        Assert.Equal("Invalid input: expected number, received NaN", Assert.Single(TestInput.IssuesOf(error)).Message);
    }

    [Theory]
    [InlineData("added", RecordFilterCase.Added)]
    [InlineData("UPDATED", RecordFilterCase.Updated)]
    [InlineData("Deleted", RecordFilterCase.Deleted)]
    [InlineData("added,updated", RecordFilterCase.Added | RecordFilterCase.Updated)]
    [InlineData("added%2Cdeleted", RecordFilterCase.Added | RecordFilterCase.Deleted)]
    [InlineData("deleted,deleted", RecordFilterCase.Deleted)]
    public void Parse_Filter_SetsFlagsInAnyCase(string raw, RecordFilterCase expected)
    {
        Assert.Equal((RecordFilters)expected, Parse($"?model=Contact&filter={raw}").Filter);
    }

    [Theory]
    [InlineData("added,bogus", "1")]
    [InlineData("", "0")]
    [InlineData("added ,updated", "0")]
    public void Parse_FilterWithUnknownValue_ReportsIndexedInvalidOption(string raw, string index)
    {
        var error = ParseError($"?model=Contact&filter={raw}");

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "invalid_value",
            "Invalid option: expected one of \"added\"|\"updated\"|\"deleted\"|\"ADDED\"|\"UPDATED\"|\"DELETED\"",
            "filter",
            index);
    }

    [Fact]
    public void Parse_Cursor_IsPassedOnUndecoded()
    {
        Assert.Equal("abc==", Parse("?model=Contact&cursor=abc%3D%3D").Cursor);
    }

    [Fact]
    public void Parse_CursorAtMaximumLength_IsAccepted()
    {
        Assert.Equal(1000, Parse($"?model=Contact&cursor={new string('c', 1000)}").Cursor?.Length);
    }

    [Theory]
    [InlineData(0, "too_small", "Too small: expected string to have >=1 characters")]
    [InlineData(1001, "too_big", "Too big: expected string to have <=1000 characters")]
    public void Parse_CursorLengthOutOfRange_IsRejected(int length, string code, string message)
    {
        var error = ParseError($"?model=Contact&cursor={new string('c', length)}");

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), code, message, "cursor");
    }

    [Fact]
    public void Parse_RepeatedIds_AreAllKept()
    {
        Assert.Equal(new[] { "a", "b c" }, Parse("?model=Contact&ids=a&ids=b+c").Ids);
    }

    [Fact]
    public void Parse_IdsWithNulBytes_AreStripped()
    {
        Assert.Equal(new[] { "ab" }, Parse("?model=Contact&ids=a%00b").Ids);
    }

    [Fact]
    public void Parse_SingleEmptyId_ReportsStringBranchAtIds()
    {
        var error = ParseError("?model=Contact&ids=");

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "too_small", "Too small: expected string to have >=1 characters", "ids");
    }

    [Fact]
    public void Parse_RepeatedIdsWithBadItem_ReportsArrayBranchAtIndex()
    {
        var error = ParseError($"?model=Contact&ids=a&ids={new string('x', 257)}");

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "too_big", "Too big: expected string to have <=256 characters", "ids", "1");
    }

    [Fact]
    public void Parse_MoreThan100Ids_ReportsArrayMaximum()
    {
        var raw = "?model=Contact" + string.Concat(Enumerable.Range(0, 101).Select(i => $"&ids=id{i}"));

        var error = ParseError(raw);

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "too_big", "Too big: expected array to have <=100 items", "ids");
    }

    [Fact]
    public void Parse_Exactly100Ids_IsAccepted()
    {
        var raw = "?model=Contact" + string.Concat(Enumerable.Range(0, 100).Select(i => $"&ids=id{i}"));

        Assert.Equal(100, Parse(raw).Ids.Count);
    }

    private static RecordsQuery Parse(string rawQuery) =>
        TestInput.ValueOf(RecordsQueryParser.Parse(TestInput.Query(rawQuery), ValidHeaders, Now));

    private static ApiError ParseError(string rawQuery) =>
        TestInput.ErrorOf(RecordsQueryParser.Parse(TestInput.Query(rawQuery), ValidHeaders, Now));

    /// <summary>A public mirror of the internal flags, so theory data can name them.</summary>
    [Flags]
    public enum RecordFilterCase
    {
        None = 0,
        Added = 1,
        Updated = 2,
        Deleted = 4,
    }
}
