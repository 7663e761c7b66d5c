using System.Text;
using System.Text.Json;
using Tributary.Server.Validation;
using static Tributary.Server.Tests.Validation.TestInput;
using CoreRecordCursor = Tributary.Core.Records.RecordCursor;

namespace Tributary.Server.Tests.Validation;

/// <summary>The guarded string reader, the whole-body guard and the bounds on error answers (issue 9, items 12 and 15).</summary>
public sealed class HostileStringTests
{
    [Theory]
    [InlineData("\"a\\u0000\"", TextGuard.NulMessage)]
    [InlineData("\"\\ud800\"", TextGuard.InvalidUnicodeMessage)]
    [InlineData("\"x\\udc00\"", TextGuard.InvalidUnicodeMessage)]
    public void BodyGuard_BadStringValue_IsAnIssueAtItsPath(string value, string message)
    {
        var error = JsonBodyGuard.Check(Json($$"""{"syncs":[{{value}}]}"""));

        Assert.NotNull(error);
        Assert.Equal("invalid_body", error.Code);
        AssertIssue(Assert.Single(IssuesOf(error)), ZodCodes.InvalidFormat, message, "syncs", "0");
    }

    [Fact]
    public void BodyGuard_InvalidUtf8Bytes_IsAnIssueNotAnException()
    {
        byte[] body = [.. "{\"connection_id\":\"a"u8, 0xFF, 0xFE, .. "\"}"u8];
        using var document = JsonDocument.Parse(body);

        var error = JsonBodyGuard.Check(document.RootElement);

        Assert.NotNull(error);
        AssertIssue(Assert.Single(IssuesOf(error)), ZodCodes.InvalidFormat, TextGuard.InvalidUnicodeMessage, "connection_id");
    }

    [Fact]
    public void BodyGuard_DuplicateKeyAnywhere_IsRefused()
    {
        var error = JsonBodyGuard.Check(Json("""{"metadata":{"region":"eu","region":"us"}}"""));

        Assert.NotNull(error);
        AssertIssue(Assert.Single(IssuesOf(error)), ZodCodes.Custom, JsonBodyGuard.DuplicateKeyMessage("region"), "metadata", "region");
    }

    [Fact]
    public void BodyGuard_CleanBody_Passes() =>
        Assert.Null(JsonBodyGuard.Check(Json("""{"a":["x",{"b":"é😀"}],"c":1}""")));

    [Fact]
    public void JsonFields_LoneSurrogate_IsAnIssueNotAnException()
    {
        var issues = new IssueList();
        var obj = JsonObjectInput.Read(Json("""{"connection_id":"\ud800"}"""), IssuePath.Root, issues)!;

        var value = JsonFields.ReadString(obj, "connection_id", required: true, StringRule.Any, IssuePath.Root, issues);

        Assert.Null(value);
        AssertIssue(Assert.Single(issues.Items), ZodCodes.InvalidFormat, TextGuard.InvalidUnicodeMessage, "connection_id");
    }

    [Fact]
    public void Trigger_ThousandsOfBadSyncs_AnswersAtMostTheIssueCapWithTooBigLast()
    {
        var body = Json("{\"provider_config_key\":\"demo\",\"syncs\":[" + string.Join(',', Enumerable.Repeat("1", 5000)) + "]}");

        var error = ErrorOf(TriggerRequestParser.Parse(NoQuery, body, default));

        Assert.Equal(InputLimits.MaxIssues, IssuesOf(error).Count);
        Assert.Equal(ZodCodes.TooBig, IssuesOf(error)[^1].Code);
        Assert.True(error.ToJson().Length < 4096, error.ToJson());
    }

    [Fact]
    public void ErrorAnswer_EchoOfAHugeUnknownKey_IsBounded()
    {
        var key = new string('k', 1_000_000);
        var body = Json($$"""{"provider_config_key":"demo","syncs":[],"{{key}}":1}""");

        var error = ErrorOf(TriggerRequestParser.Parse(NoQuery, body, default));

        Assert.InRange(Encoding.UTF8.GetByteCount(error.ToJson()), 1, 2048);
    }

    [Theory]
    [InlineData("limit=-1")]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    [InlineData("limit=1e20")]
    [InlineData("state=bogus")]
    [InlineData("cursor=1%00")]
    [InlineData("connection_id=acme%00")]
    [InlineData("other=1")]
    public void RunsQuery_BadParameter_IsInvalidQueryParams(string query)
    {
        var error = ErrorOf(RunListQueryParser.Parse(Query(query)));

        Assert.Equal((400, "invalid_query_params"), (error.Status, error.Code));
    }

    [Fact]
    public void RunsQuery_Valid_IsRead()
    {
        var query = ValueOf(RunListQueryParser.Parse(Query("state=failed&limit=5&cursor=42")));

        Assert.Equal(("failed", 5, 42L), (query.State, query.Limit, query.Before));
    }

    [Fact]
    public void RecordCursor_WithATrailingNul_DoesNotDecode()
    {
        var cursor = Convert.ToBase64String(Encoding.ASCII.GetBytes("seq:1\0"));

        Assert.False(CoreRecordCursor.TryDecode(cursor, out _));
        Assert.True(CoreRecordCursor.TryDecode(CoreRecordCursor.Encode(1), out var seq));
        Assert.Equal(1, seq);
    }

    [Fact]
    public void ConnectionTarget_MissingProviderConfigKeyOrBadId_IsRefused()
    {
        var get = ErrorOf(ConnectionTargetParser.ParseGet("acme", NoQuery));
        var delete = ErrorOf(ConnectionTargetParser.ParseDelete("acme", NoQuery));
        var badId = ErrorOf(ConnectionTargetParser.ParseDelete("acme#eu", Query("provider_config_key=demo")));
        var force = ErrorOf(ConnectionTargetParser.ParseGet("acme", Query("provider_config_key=demo&force_refresh=maybe")));

        Assert.Equal("invalid_query_params", get.Code);
        Assert.Equal("invalid_query_params", delete.Code);
        Assert.Equal("invalid_uri_params", badId.Code);
        AssertIssue(Assert.Single(IssuesOf(force)), ZodCodes.InvalidValue, "Invalid option: expected one of \"true\"|\"false\"", "force_refresh");
    }

    [Fact]
    public void ConnectionCreate_WithoutCredentials_IsInvalidBody()
    {
        var error = ErrorOf(ConnectionCreateRequestParser.Parse(NoQuery, Json("""{"provider_config_key":"demo","connection_id":"acme"}""")));

        AssertIssue(Assert.Single(IssuesOf(error)), ZodCodes.InvalidType, "Invalid input: expected object, received undefined", "credentials");
    }

    [Fact]
    public void ConnectionMetadata_TooManyIds_IsTooBig()
    {
        var ids = string.Join(',', Enumerable.Range(0, InputLimits.MaxMetadataConnectionIds + 1).Select(i => $"\"c{i}\""));

        var error = ErrorOf(ConnectionMetadataRequestParser.Parse(NoQuery, Json("{\"provider_config_key\":\"demo\",\"connection_id\":[" + ids + "],\"metadata\":{}}")));

        AssertIssue(Assert.Single(IssuesOf(error)), ZodCodes.TooBig, ZodMessages.ArrayTooBig(InputLimits.MaxMetadataConnectionIds), "connection_id");
    }
}
