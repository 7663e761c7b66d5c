using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Tributary.Server.Validation;

namespace Tributary.Server.Tests.Validation;

/// <summary>Raw HTTP inputs built the way ASP.NET Core decodes them, so the tests exercise real decoding.</summary>
internal static class TestInput
{
    public static Dictionary<string, StringValues> NoQuery => [];

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Decodes a raw query string (with <c>+</c> as space), as <c>HttpRequest.Query</c> does.</summary>
    public static Dictionary<string, StringValues> Query(string rawQuery) => QueryHelpers.ParseQuery(rawQuery);

    public static IReadOnlyList<ValidationIssue> IssuesOf(ApiError error) => error.Errors ?? [];

    public static void AssertIssue(ValidationIssue issue, string code, string message, params string[] path)
    {
        Assert.Equal(code, issue.Code);
        Assert.Equal(message, issue.Message);
        Assert.Equal(path, issue.Path);
    }

    /// <summary>Each issue's path joined with dots, for asserting order compactly.</summary>
    public static string[] PathsOf(ApiError error) => IssuesOf(error).Select(issue => string.Join('.', issue.Path)).ToArray();

    public static T ValueOf<T>(ParseResult<T> result)
        where T : class
    {
        if (!result.IsValid)
        {
            Assert.Fail($"Expected a valid request, got {result.Error.ToJson()}");
        }

        return result.Value;
    }

    public static ApiError ErrorOf<T>(ParseResult<T> result)
        where T : class
    {
        if (result.IsValid)
        {
            Assert.Fail($"Expected a validation error, got {result.Value}");
        }

        return result.Error;
    }
}
