using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>A valid <c>GET /runs/{id}/logs</c> query.</summary>
/// <param name="After">The line id to read after (0: from the start).</param>
/// <param name="Wait">With follow, how long to wait for new lines; null without follow.</param>
internal sealed record RunLogQuery(long After, int Limit, TimeSpan? Wait);

/// <summary>Validates the strict query of <c>GET /runs/{id}/logs</c> in Nango's error shape.</summary>
internal static class RunLogQueryParser
{
    public const int DefaultLimit = 500;
    public const int DefaultWaitSeconds = 25;

    private static readonly NumberRule LimitRule = new(1, 1000);
    private static readonly NumberRule WaitRule = new(1, 60);
    private static readonly string[] QueryKeys = ["cursor", "limit", "follow", "wait"];

    public static ParseResult<RunLogQuery> Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var input = QueryInput.From(query);
        var issues = new IssueList();
        var after = ReadCursor(input, issues);
        var limit = QueryFields.ReadInteger(input, "limit", LimitRule, issues);
        var follow = QueryFields.ReadStringBool(input, "follow", issues);
        var wait = QueryFields.ReadInteger(input, "wait", WaitRule, issues);
        QueryFields.RejectUnknownKeys(input, QueryKeys, issues);
        if (!issues.IsEmpty)
        {
            return ParseResult<RunLogQuery>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        TimeSpan? waitFor = follow == true ? TimeSpan.FromSeconds(wait ?? DefaultWaitSeconds) : null;
        return ParseResult<RunLogQuery>.Valid(new RunLogQuery(after, limit ?? DefaultLimit, waitFor));
    }

    // A line id: ASCII digits only (long.TryParse alone accepts trailing NULs).
    private static long ReadCursor(QueryInput input, IssueList issues)
    {
        var text = QueryFields.ReadString(input, "cursor", required: false, StringRule.Any, issues);
        if (text is null)
        {
            return 0;
        }

        if (text.Length is > 0 and <= 19 && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        issues.Add(ZodCodes.Custom, RunListQueryParser.InvalidCursorMessage, ["cursor"]);
        return 0;
    }
}
