using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>Validates the strict query of <c>GET /connections</c>.</summary>
/// <remarks>
/// Nango's <c>connectionId</c> and <c>integrationId</c> (a comma list) are supported, plus <c>connection_id</c>
/// (an alias Tributary always accepted) and <c>limit</c>. Nango's <c>search</c>, <c>endUserId</c> and
/// <c>endUserOrganizationId</c> are refused as unknown: Tributary has no end users and no search, and ignoring
/// a filter would answer connections the caller did not ask for.
/// </remarks>
internal static class ConnectionListQueryParser
{
    private static readonly string[] QueryKeys = ["connectionId", "connection_id", "integrationId", "limit", "cursor"];

    private static readonly StringRule CursorRule = new(MinLength: 1, MaxLength: 64);

    private static readonly StringRule ConnectionIdFilter = new(MinLength: 1, MaxLength: 255);

    private static readonly StringRule IntegrationIdFilter = new(MinLength: 1, MaxLength: 2048);

    public static ParseResult<ConnectionListQuery> Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var input = QueryInput.From(query);
        var issues = new IssueList();
        var connectionId = QueryFields.ReadString(input, "connectionId", required: false, ConnectionIdFilter, issues);
        var alias = QueryFields.ReadString(input, "connection_id", required: false, ConnectionIdFilter, issues);
        var integrationIds = QueryFields.ReadString(input, "integrationId", required: false, IntegrationIdFilter, issues);
        var limit = QueryFields.ReadInteger(input, "limit", NumberRule.Limit, issues);
        var cursor = QueryFields.ReadString(input, "cursor", required: false, CursorRule, issues);
        QueryFields.RejectUnknownKeys(input, QueryKeys, issues);
        if (!issues.IsEmpty)
        {
            return ParseResult<ConnectionListQuery>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        var integrations = integrationIds?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return ParseResult<ConnectionListQuery>.Valid(new ConnectionListQuery(connectionId ?? alias, integrations, limit, cursor));
    }
}
