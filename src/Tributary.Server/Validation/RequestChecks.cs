namespace Tributary.Server.Validation;

/// <summary>Checks Nango applies to every sync and records request before the endpoint's own validation.</summary>
internal static class RequestChecks
{
    /// <summary>
    /// 415 when a Content-Type is sent and is not JSON. An absent header passes: Nango's own client sends GETs
    /// and some DELETEs without one.
    /// </summary>
    /// <remarks>The media type is compared case-insensitively (RFC 9110), which Nango does not do.</remarks>
    public static ApiError? CheckContentType(string? contentType) =>
        string.IsNullOrEmpty(contentType) || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            ? null
            : ApiErrors.InvalidContentType();

    /// <summary>Nango's <c>requireEmptyQuery</c>: any parameter is an unrecognized key.</summary>
    public static ApiError? RequireEmptyQuery(QueryInput query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var issues = new IssueList();
        issues.AddUnrecognizedKeys(query.Keys, IssuePath.Root);
        return issues.IsEmpty ? null : ApiErrors.InvalidQueryParams(issues.Items);
    }

    /// <summary>Nango's <c>requireEmptyBody</c>: no body, or a strict empty object.</summary>
    public static ApiError? RequireEmptyBody(JsonElement? body)
    {
        if (body is not { } given)
        {
            return null;
        }

        var issues = new IssueList();
        if (given.ValueKind != JsonValueKind.Object)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Of(given)), IssuePath.Root);
        }
        else
        {
            issues.AddUnrecognizedKeys([.. given.EnumerateObject().Select(p => p.Name)], IssuePath.Root);
        }

        return issues.IsEmpty ? null : ApiErrors.InvalidBody(issues.Items);
    }
}
