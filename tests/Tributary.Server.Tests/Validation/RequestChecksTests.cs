using System.Text.Json;
using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

public sealed class RequestChecksTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public void CheckContentType_AbsentOrJson_Passes(string? contentType)
    {
        Assert.Null(RequestChecks.CheckContentType(contentType));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public void CheckContentType_NotJson_Returns415(string contentType)
    {
        var error = RequestChecks.CheckContentType(contentType);

        Assert.NotNull(error);
        Assert.Equal(415, error.Status);
        Assert.Equal(
            """{"error":{"code":"invalid_content_type","message":"Content-Type header must be application/json"},"message":"Content-Type header must be application/json"}""",
            error.ToJson());
    }

    [Fact]
    public void RequireEmptyQuery_NoParameters_Passes()
    {
        Assert.Null(RequestChecks.RequireEmptyQuery(QueryInput.From(TestInput.Query(""))));
    }

    [Fact]
    public void RequireEmptyQuery_SeveralParameters_ReportsAllKeysInOneIssue()
    {
        var error = RequestChecks.RequireEmptyQuery(QueryInput.From(TestInput.Query("?foo=1&bar=&foo=2")));

        Assert.NotNull(error);
        Assert.Equal(400, error.Status);
        Assert.Equal(
            """{"error":{"code":"invalid_query_params","errors":[{"code":"unrecognized_keys","message":"Unrecognized keys: \"foo\", \"bar\"","path":[]}]},"message":"Unrecognized keys: \"foo\", \"bar\""}""",
            error.ToJson());
    }

    [Fact]
    public void InvalidJson_FromParserException_CarriesParserMessage()
    {
        var exception = Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse("{\"syncs\":"));

        var error = ApiErrors.InvalidJson(exception);

        Assert.Equal(400, error.Status);
        Assert.Equal("invalid_json", error.Code);
        Assert.Equal(exception.Message, error.Message);
    }
}
