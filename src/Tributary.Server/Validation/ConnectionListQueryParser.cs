using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>Validates the strict query of <c>GET /connections</c>.</summary>
/// <remarks>
/// Nango's filters: <c>connectionId</c>, <c>integrationId</c> (a comma list), <c>search</c>, <c>endUserId</c>,
/// <c>endUserOrganizationId</c> and <c>tags[key]=value</c> (every tag must match; keys as Nango's tag keys, compared
/// lower-cased), and its paging by <c>limit</c> and <c>page</c>; plus <c>connection_id</c> (an alias Tributary always
/// accepted) and <c>cursor</c> (our keyset paging, the answer's <c>next_cursor</c>).
/// </remarks>
internal static class ConnectionListQueryParser
{
    private const string TagsPrefix = "tags[";

    private static readonly string[] QueryKeys =
        ["connectionId", "connection_id", "integrationId", "search", "endUserId", "endUserOrganizationId", "limit", "page", "cursor"];

    private static readonly StringRule CursorRule = new(MinLength: 1, MaxLength: 64);

    private static readonly StringRule ConnectionIdFilter = new(MinLength: 1, MaxLength: 255);

    private static readonly StringRule IntegrationIdFilter = new(MinLength: 1, MaxLength: 2048);

    private static readonly NumberRule PageRule = new(0, 1_000_000);

    public static ParseResult<ConnectionListQuery> Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var input = QueryInput.From(query);
        var issues = new IssueList();
        var connectionId = QueryFields.ReadString(input, "connectionId", required: false, ConnectionIdFilter, issues);
        var alias = QueryFields.ReadString(input, "connection_id", required: false, ConnectionIdFilter, issues);
        var search = QueryFields.ReadString(input, "search", required: false, ConnectionIdFilter, issues);
        var endUserId = QueryFields.ReadString(input, "endUserId", required: false, ConnectionIdFilter, issues);
        var integrationIds = QueryFields.ReadString(input, "integrationId", required: false, IntegrationIdFilter, issues);
        var organizationId = QueryFields.ReadString(input, "endUserOrganizationId", required: false, ConnectionIdFilter, issues);
        var tags = ReadTags(input, issues);
        var limit = QueryFields.ReadInteger(input, "limit", NumberRule.Limit, issues);
        var page = QueryFields.ReadInteger(input, "page", PageRule, issues);
        var cursor = QueryFields.ReadString(input, "cursor", required: false, CursorRule, issues);
        if (page is not null && cursor is not null)
        {
            // Nango's page skips rows from the start, our cursor goes on after a row: together they would skip twice.
            issues.Add(ZodCodes.Custom, "page and cursor cannot be used together: use cursor (next_cursor) or page, not both", ["page"]);
        }

        QueryFields.RejectUnknownKeys(input, [.. QueryKeys, .. input.Keys.Where(IsTagKey)], issues);
        if (!issues.IsEmpty)
        {
            return ParseResult<ConnectionListQuery>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        var integrations = integrationIds?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return ParseResult<ConnectionListQuery>.Valid(new ConnectionListQuery(connectionId ?? alias, integrations, limit, cursor)
        {
            Search = search,
            EndUserId = endUserId,
            EndUserOrganizationId = organizationId,
            Tags = tags,
            Page = page,
        });
    }

    private static bool IsTagKey(string key) => key.StartsWith(TagsPrefix, StringComparison.Ordinal) && key.EndsWith(']');

    /// <summary>
    /// <c>tags[key]=value</c> as Express's parser nests them (<c>{tags: {key: value}}</c>), checked as Nango's tags
    /// (<see cref="ConnectionTags"/>); keys compared lower-cased, as Nango stores them.
    /// </summary>
    private static Dictionary<string, string>? ReadTags(QueryInput input, IssueList issues)
    {
        var given = new List<KeyValuePair<string, JsonNode?>>();
        foreach (var key in input.Keys.Where(IsTagKey))
        {
            var name = key[TagsPrefix.Length..^1];
            input.TryGet(key, out var values);
            if (values.Count > 1)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", "array"), ["tags", name]);
                continue;
            }

            given.Add(new(name, JsonValue.Create(values[0] ?? string.Empty)));
        }

        if (given.Count == 0)
        {
            return null;
        }

        var before = issues.Count;
        ConnectionTags.Check(given, ["tags"], minValueLength: 1, issues);
        return issues.Count != before
            ? null
            : given.ToDictionary(t => t.Key.ToLowerInvariant(), t => (string)t.Value!, StringComparer.Ordinal);
    }
}
