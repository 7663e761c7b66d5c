using System.Text.Json;
using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class TriggerRequestParserTests
{
    private static readonly NangoHeaders NoHeaders = new(null, null);

    [Fact]
    public void Parse_AnyQueryParameter_ReturnsInvalidQueryParamsBeforeLookingAtBody()
    {
        var result = TriggerRequestParser.Parse(TestInput.Query("?foo=bar"), TestInput.Json("[]"), NoHeaders);

        Assert.Equal(
            """{"error":{"code":"invalid_query_params","errors":[{"code":"unrecognized_keys","message":"Unrecognized key: \"foo\"","path":[]}]},"message":"Unrecognized key: \"foo\""}""",
            TestInput.ErrorOf(result).ToJson());
    }

    [Theory]
    [InlineData("[]", "array")]
    [InlineData("\"text\"", "string")]
    [InlineData("42", "number")]
    [InlineData("null", "null")]
    public void Parse_BodyNotAnObject_ReturnsZodObjectTypeError(string body, string received)
    {
        var error = TestInput.ErrorOf(TriggerRequestParser.Parse(TestInput.NoQuery, TestInput.Json(body), NoHeaders));

        Assert.Equal(400, error.Status);
        Assert.Equal(
            $$"""{"error":{"code":"invalid_body","errors":[{"code":"invalid_type","message":"Invalid input: expected object, received {{received}}","path":[]}]},"message":"Invalid input: expected object, received {{received}}"}""",
            error.ToJson());
    }

    [Fact]
    public void Parse_AbsentBody_ReportsMissingSyncs()
    {
        var error = TestInput.ErrorOf(TriggerRequestParser.Parse(TestInput.NoQuery, null, NoHeaders));

        Assert.Equal(
            """{"error":{"code":"invalid_body","errors":[{"code":"invalid_type","message":"Invalid input: expected array, received undefined","path":["syncs"]}]},"message":"syncs: Invalid input: expected array, received undefined"}""",
            error.ToJson());
    }

    [Fact]
    public void Parse_SyncsNotAnArray_ReportsReceivedType()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":"contacts","provider_config_key":"k"}"""));

        TestInput.AssertIssue(Assert.Single(TestInput.IssuesOf(error)), "invalid_type", "Invalid input: expected array, received string", "syncs");
    }

    [Fact]
    public void Parse_InvalidSyncItems_ReportsOneUnionIssuePerFailingIndex()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":[1,"ok",{"name":"x"}],"provider_config_key":"k"}"""));

        Assert.Equal(
            """{"error":{"code":"invalid_body","errors":[{"code":"invalid_union","message":"Each sync must be either a string or a { name: string, variant: string } object","path":["syncs","0"]},{"code":"invalid_union","message":"Each sync must be either a string or a { name: string, variant: string } object","path":["syncs","2"]}]},"message":"syncs.0: Each sync must be either a string or a { name: string, variant: string } object (and 1 more)"}""",
            error.ToJson());
    }

    [Theory]
    [InlineData("""{"variant":"v"}""")]
    [InlineData("""{"name":"n","variant":null}""")]
    [InlineData("""{"name":1,"variant":"v"}""")]
    [InlineData("null")]
    [InlineData("[\"n\"]")]
    public void Parse_SyncItemNeitherStringNorNameVariantObject_IsRejected(string item)
    {
        var error = TestInput.ErrorOf(Parse($$"""{"syncs":[{{item}}],"provider_config_key":"k"}"""));

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "invalid_union",
            "Each sync must be either a string or a { name: string, variant: string } object",
            "syncs",
            "0");
    }

    [Fact]
    public void Parse_SyncObjectWithExtraKeys_StripsThem()
    {
        var command = TestInput.ValueOf(Parse("""{"syncs":[{"name":"n","variant":"v","extra":true}],"provider_config_key":"k"}"""));

        Assert.Equal(new[] { new SyncIdentifier("n", "v") }, command.Syncs);
    }

    [Fact]
    public void Parse_MixedSyncForms_NormalisesEachInOrder()
    {
        var command = TestInput.ValueOf(Parse("""{"syncs":["a","b::v1",{"name":"c","variant":"v2"},"d::"],"provider_config_key":"k"}"""));

        Assert.Equal(
            new[] { new SyncIdentifier("a", "base"), new SyncIdentifier("b", "v1"), new SyncIdentifier("c", "v2"), new SyncIdentifier("d", "") },
            command.Syncs);
    }

    [Fact]
    public void Parse_RepeatedBodyKey_LastValueWinsAsInJsonParse()
    {
        var command = TestInput.ValueOf(Parse("""{"syncs":[1],"provider_config_key":"k","syncs":["a"]}"""));

        Assert.Equal(new[] { new SyncIdentifier("a", "base") }, command.Syncs);
    }

    [Fact]
    public void Parse_EmptySyncs_IsAcceptedAsAllSyncs()
    {
        var command = TestInput.ValueOf(Parse("""{"syncs":[],"provider_config_key":"k"}"""));

        Assert.Empty(command.Syncs);
    }

    [Fact]
    public void Parse_FullResyncNotBoolean_ReportsInvalidType()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":[],"full_resync":"yes","provider_config_key":"k"}"""));

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "invalid_type",
            "Invalid input: expected boolean, received string",
            "full_resync");
    }

    [Fact]
    public void Parse_UnknownSyncMode_ReportsInvalidOption()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":[],"sync_mode":"fast","provider_config_key":"k"}"""));

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "invalid_value",
            "Invalid option: expected one of \"incremental\"|\"full_refresh\"|\"full_refresh_and_clear_cache\"",
            "sync_mode");
    }

    [Fact]
    public void Parse_NullOptionalString_IsATypeErrorNotAbsence()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":[],"provider_config_key":null}"""));

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "invalid_type",
            "Invalid input: expected string, received null",
            "provider_config_key");
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsFieldIssuesInSchemaOrderThenUnknownKeys()
    {
        var error = TestInput.ErrorOf(Parse("""{"zzz":1,"opts":{"reset":"no"},"provider_config_key":5,"full_resync":"x","syncs":[7],"aaa":2}"""));

        Assert.Equal(new[] { "syncs.0", "full_resync", "provider_config_key", "opts.reset", "" }, TestInput.PathsOf(error));
        Assert.Equal("Unrecognized keys: \"zzz\", \"aaa\"", TestInput.IssuesOf(error)[^1].Message);
    }

    [Theory]
    [InlineData("null", "null")]
    [InlineData("true", "boolean")]
    [InlineData("[]", "array")]
    public void Parse_OptsNotAnObject_ReportsInvalidTypeAtOpts(string opts, string received)
    {
        var error = TestInput.ErrorOf(Parse("{\"syncs\":[],\"provider_config_key\":\"k\",\"opts\":" + opts + "}"));

        TestInput.AssertIssue(
            Assert.Single(TestInput.IssuesOf(error)),
            "invalid_type",
            $"Invalid input: expected object, received {received}",
            "opts");
    }

    [Fact]
    public void Parse_OptsWithUnknownKey_IgnoresIt()
    {
        var command = TestInput.ValueOf(Parse("""{"syncs":[],"provider_config_key":"k","opts":{"reset":true,"later":1}}"""));

        Assert.True(command.Reset);
    }

    [Fact]
    public void Parse_NoProviderConfigKeyAnywhere_ReturnsMissingProviderConfigKey()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":["a"],"connection_id":"c"}"""));

        Assert.Equal(400, error.Status);
        Assert.Equal(
            """{"error":{"code":"missing_provider_config_key","message":"Missing provider_config_key. Provide it in the body or headers."},"message":"Missing provider_config_key. Provide it in the body or headers."}""",
            error.ToJson());
    }

    [Fact]
    public void Parse_BodyErrorAndNoProviderConfigKey_ReportsBodyFirst()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":[1]}"""));

        Assert.Equal("invalid_body", error.Code);
    }

    [Fact]
    public void Parse_KeysOnlyInHeaders_UsesHeaders()
    {
        var command = TestInput.ValueOf(Parse("""{"syncs":["a"]}""", new NangoHeaders("conn-h", "pck-h")));

        Assert.Equal("pck-h", command.ProviderConfigKey);
        Assert.Equal("conn-h", command.ConnectionId);
    }

    [Fact]
    public void Parse_KeysInBodyAndHeaders_BodyWins()
    {
        var command = TestInput.ValueOf(Parse(
            """{"syncs":["a"],"provider_config_key":"pck-b","connection_id":"conn-b"}""",
            new NangoHeaders("conn-h", "pck-h")));

        Assert.Equal("pck-b", command.ProviderConfigKey);
        Assert.Equal("conn-b", command.ConnectionId);
    }

    [Fact]
    public void Parse_EmptyStringsInBody_FallBackToHeaders()
    {
        var command = TestInput.ValueOf(Parse(
            """{"syncs":["a"],"provider_config_key":"","connection_id":""}""",
            new NangoHeaders("conn-h", "pck-h")));

        Assert.Equal("pck-h", command.ProviderConfigKey);
        Assert.Equal("conn-h", command.ConnectionId);
    }

    [Fact]
    public void Parse_EmptyProviderConfigKeyHeader_CountsAsMissing()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":["a"]}""", new NangoHeaders("", "")));

        Assert.Equal("missing_provider_config_key", error.Code);
    }

    [Fact]
    public void Parse_NoConnectionId_MeansAllConnections()
    {
        var command = TestInput.ValueOf(Parse("""{"syncs":["a"],"provider_config_key":"k","connection_id":""}"""));

        Assert.Null(command.ConnectionId);
    }

    [Theory]
    [InlineData("\"sync_mode\":\"incremental\"")]
    [InlineData("\"full_resync\":false")]
    [InlineData("\"full_resync\":true")]
    public void Parse_OptsWithDeprecatedParameter_ReturnsConflict(string deprecated)
    {
        var error = TestInput.ErrorOf(Parse("{\"syncs\":[\"a\"],\"provider_config_key\":\"k\",\"opts\":{}," + deprecated + "}"));

        Assert.Equal(
            """{"error":{"code":"invalid_body","message":"Cannot use opts with deprecated sync_mode/full_resync parameters"},"message":"Cannot use opts with deprecated sync_mode/full_resync parameters"}""",
            error.ToJson());
    }

    [Fact]
    public void Parse_ConflictAndNoProviderConfigKey_ReportsMissingKeyFirst()
    {
        var error = TestInput.ErrorOf(Parse("""{"syncs":["a"],"opts":{},"sync_mode":"full_refresh"}"""));

        Assert.Equal("missing_provider_config_key", error.Code);
    }

    [Theory]
    [InlineData("", false, false)]
    [InlineData(",\"opts\":{}", false, false)]
    [InlineData(",\"opts\":{\"reset\":false}", false, false)]
    [InlineData(",\"opts\":{\"reset\":true}", true, false)]
    [InlineData(",\"opts\":{\"reset\":true,\"emptyCache\":false}", true, false)]
    [InlineData(",\"opts\":{\"reset\":true,\"emptyCache\":true}", true, true)]
    [InlineData(",\"sync_mode\":\"incremental\"", false, false)]
    [InlineData(",\"sync_mode\":\"full_refresh\"", true, false)]
    [InlineData(",\"sync_mode\":\"full_refresh_and_clear_cache\"", true, true)]
    [InlineData(",\"sync_mode\":\"incremental\",\"full_resync\":true", false, false)]
    [InlineData(",\"full_resync\":true", true, false)]
    [InlineData(",\"full_resync\":false", false, false)]
    public void Parse_CommandInputs_MapToResetAndEmptyCache(string extra, bool reset, bool emptyCache)
    {
        var command = TestInput.ValueOf(Parse("{\"syncs\":[\"a\"],\"provider_config_key\":\"k\"" + extra + "}"));

        Assert.Equal(reset, command.Reset);
        Assert.Equal(emptyCache, command.EmptyCache);
    }

    [Theory]
    [InlineData("{\"emptyCache\":true}")]
    [InlineData("{\"emptyCache\":true,\"reset\":false}")]
    public void Parse_EmptyCacheWithoutReset_IsRefused(string opts)
    {
        var error = TestInput.ErrorOf(Parse("{\"syncs\":[\"a\"],\"provider_config_key\":\"k\",\"opts\":" + opts + "}"));

        Assert.Equal(400, error.Status);
        Assert.Equal(
            """{"error":{"code":"invalid_body","message":"opts.emptyCache can only be used together with opts.reset","errors":[{"code":"custom","message":"opts.emptyCache can only be used together with opts.reset","path":["opts","emptyCache"]}]},"message":"opts.emptyCache can only be used together with opts.reset"}""",
            error.ToJson());
    }

    [Fact]
    public void Parse_ValidRequest_CarriesKeysAndSyncs()
    {
        var command = TestInput.ValueOf(Parse("""{"syncs":["s1"],"provider_config_key":"pck","connection_id":"conn-1","opts":{"reset":true,"emptyCache":true}}"""));

        Assert.Equal(new TriggerCommand("pck", "conn-1", command.Syncs, Reset: true, EmptyCache: true), command);
        Assert.Equal(new[] { new SyncIdentifier("s1", "base") }, command.Syncs);
    }

    private static ParseResult<TriggerCommand> Parse(string body, NangoHeaders headers = default) =>
        TriggerRequestParser.Parse(TestInput.NoQuery, TestInput.Json(body), headers);
}
