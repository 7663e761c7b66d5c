using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class SyncStatusQueryParserTests
{
    [Fact]
    public void Parse_Star_MeansAllSyncs()
    {
        var query = TestInput.ValueOf(SyncStatusQueryParser.Parse(TestInput.Query("?syncs=*&provider_config_key=pck")));

        Assert.True(query.AllSyncs);
        Assert.Empty(query.Syncs);
        Assert.Equal("pck", query.ProviderConfigKey);
        Assert.Null(query.ConnectionId);
    }

    [Fact]
    public void Parse_CommaList_NormalisesEachName()
    {
        var query = TestInput.ValueOf(SyncStatusQueryParser.Parse(TestInput.Query("?syncs=s1,s2::v1&provider_config_key=pck&connection_id=conn+1%2Fx")));

        Assert.False(query.AllSyncs);
        Assert.Equal(new[] { new SyncIdentifier("s1", "base"), new SyncIdentifier("s2", "v1") }, query.Syncs);
        Assert.Equal("conn 1/x", query.ConnectionId);
    }

    [Fact]
    public void Parse_EmptySyncs_IsOneEmptyNameNotAllSyncs()
    {
        var query = TestInput.ValueOf(SyncStatusQueryParser.Parse(TestInput.Query("?syncs=&provider_config_key=pck")));

        Assert.False(query.AllSyncs);
        Assert.Equal(new[] { new SyncIdentifier("", "base") }, query.Syncs);
    }

    [Fact]
    public void Parse_MissingRequiredParameters_ReturnsInvalidQueryParams()
    {
        var error = TestInput.ErrorOf(SyncStatusQueryParser.Parse(TestInput.Query("")));

        Assert.Equal(
            """{"error":{"code":"invalid_query_params","errors":[{"code":"invalid_type","message":"Invalid input: expected string, received undefined","path":["syncs"]},{"code":"invalid_type","message":"Invalid input: expected string, received undefined","path":["provider_config_key"]}]},"message":"syncs: Invalid input: expected string, received undefined (and 1 more)"}""",
            error.ToJson());
    }

    [Fact]
    public void Parse_RepeatedParameter_IsAnArrayNotAString()
    {
        var error = TestInput.ErrorOf(SyncStatusQueryParser.Parse(TestInput.Query("?syncs=a&syncs=b&provider_config_key=pck")));

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "invalid_type", "Invalid input: expected string, received array", "syncs");
    }

    [Fact]
    public void Parse_UnknownOrWrongCaseParameter_IsUnrecognized()
    {
        var error = TestInput.ErrorOf(SyncStatusQueryParser.Parse(TestInput.Query("?SYNCS=*&provider_config_key=pck")));

        Assert.Equal(new[] { "syncs", "" }, TestInput.PathsOf(error));
        Assert.Equal("Unrecognized key: \"SYNCS\"", TestInput.IssuesOf(error)[1].Message);
    }

    [Fact]
    public void Parse_BadConnectionId_ReportsPattern()
    {
        var error = TestInput.ErrorOf(SyncStatusQueryParser.Parse(TestInput.Query("?syncs=*&provider_config_key=pck&connection_id=a%23b")));

        Assert.Equal(new[] { "connection_id" }, TestInput.PathsOf(error));
        Assert.Equal("invalid_format", TestInput.IssuesOf(error)[0].Code);
    }
}
