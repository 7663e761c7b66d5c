using System.Text.Json.Nodes;
using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class ApiErrorTests
{
    [Fact]
    public void ToJson_CodeAndMessage_WritesNangoBodyAndMirrorsMessageAtTopLevel()
    {
        var error = new ApiError(400, "missing_provider_config_key", "Missing provider_config_key. Provide it in the body or headers.");

        Assert.Equal(
            """{"error":{"code":"missing_provider_config_key","message":"Missing provider_config_key. Provide it in the body or headers."},"message":"Missing provider_config_key. Provide it in the body or headers."}""",
            error.ToJson());
    }

    [Fact]
    public void ToJson_OneIssue_WritesIssueAndSummarizesItWithItsPath()
    {
        var error = new ApiError(400, "invalid_body", Errors: [new ValidationIssue("invalid_type", "Invalid input: expected array, received undefined", ["syncs"])]);

        Assert.Equal(
            """{"error":{"code":"invalid_body","errors":[{"code":"invalid_type","message":"Invalid input: expected array, received undefined","path":["syncs"]}]},"message":"syncs: Invalid input: expected array, received undefined"}""",
            error.ToJson());
    }

    [Fact]
    public void ToJson_SeveralIssues_SummaryNamesFirstIssueAndCountsTheRest()
    {
        var error = new ApiError(
            400,
            "invalid_body",
            Errors:
            [
                new ValidationIssue("invalid_union", "Invalid input", ["syncs", "0"]),
                new ValidationIssue("invalid_union", "Invalid input", ["syncs", "2"]),
                new ValidationIssue("unrecognized_keys", "Unrecognized key: \"x\"", []),
            ]);

        Assert.Equal("syncs.0: Invalid input (and 2 more)", error.TopLevelMessage);
    }

    [Fact]
    public void ToJson_IssueAtRoot_SummaryIsTheBareMessage()
    {
        var error = new ApiError(400, "invalid_query_params", Errors: [new ValidationIssue("unrecognized_keys", "Unrecognized key: \"foo\"", [])]);

        Assert.Equal(
            """{"error":{"code":"invalid_query_params","errors":[{"code":"unrecognized_keys","message":"Unrecognized key: \"foo\"","path":[]}]},"message":"Unrecognized key: \"foo\""}""",
            error.ToJson());
    }

    [Fact]
    public void ToJson_MessageAndIssues_TopLevelMirrorsMessage()
    {
        var error = new ApiError(400, "invalid_body", "explicit", [new ValidationIssue("custom", "from issue", ["a"])]);

        Assert.Equal("explicit", error.TopLevelMessage);
    }

    [Fact]
    public void ToJson_Payload_WritesPayloadLastInsideError()
    {
        var error = new ApiError(400, "unknown_provider_config", "No match", Payload: new JsonObject());

        Assert.Equal(
            """{"error":{"code":"unknown_provider_config","message":"No match","payload":{}},"message":"No match"}""",
            error.ToJson());
    }

    [Fact]
    public void ToJson_CodeOnly_OmitsAbsentMembersAndUsesCodeAsTopLevelMessage()
    {
        var error = new ApiError(400, "unknown_connection");

        Assert.Equal("""{"error":{"code":"unknown_connection"},"message":"unknown_connection"}""", error.ToJson());
    }

    [Fact]
    public void ToJson_EmptyIssueList_OmitsErrors()
    {
        var error = new ApiError(400, "invalid_body", "m", []);

        Assert.Equal("""{"error":{"code":"invalid_body","message":"m"},"message":"m"}""", error.ToJson());
    }

    [Fact]
    public void ToJson_NonAsciiText_IsWrittenUnescaped()
    {
        var error = new ApiError(400, "invalid_body", "clé <&> 'x'");

        Assert.Equal("""{"error":{"code":"invalid_body","message":"clé <&> 'x'"},"message":"clé <&> 'x'"}""", error.ToJson());
    }
}
