using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>Validates <c>PATCH /records/prune</c> (spec §2.6): empty query, then body, then headers.</summary>
internal static class PruneRecordsRequestParser
{
    public const int DefaultLimit = 1000;

    private const string LimitKey = "limit";

    private static readonly string[] BodyKeys = ["model", "variant", "until_cursor", LimitKey];

    public static ParseResult<PruneRecordsRequest> Parse(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        JsonElement? body,
        NangoHeaders headers)
    {
        if (RequestChecks.RequireEmptyQuery(QueryInput.From(query)) is { } queryError)
        {
            return ParseResult<PruneRecordsRequest>.Invalid(queryError);
        }

        var issues = new IssueList();
        var root = IssuePath.Root;
        var obj = JsonObjectInput.Read(body, root, issues);
        if (obj is null)
        {
            return ParseResult<PruneRecordsRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        var model = JsonFields.ReadString(obj, "model", required: true, StringRule.Model, root, issues);
        var variant = JsonFields.ReadString(obj, "variant", required: false, StringRule.Name, root, issues);
        var untilCursor = JsonFields.ReadString(obj, "until_cursor", required: true, StringRule.Cursor, root, issues);
        int? limit = obj.TryGet(LimitKey, out var limitValue)
            ? NumberRule.Limit.Check(JsNumber.FromJson(limitValue), [LimitKey], issues)
            : DefaultLimit;
        JsonFields.RejectUnknownKeys(obj, BodyKeys, root, issues);

        if (!issues.IsEmpty || model is null || untilCursor is null || limit is null)
        {
            return ParseResult<PruneRecordsRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        var headerIssues = new IssueList();
        if (ConnectionHeadersParser.Read(headers, headerIssues) is not { } connection)
        {
            return ParseResult<PruneRecordsRequest>.Invalid(ApiErrors.InvalidHeaders(headerIssues.Items));
        }

        return ParseResult<PruneRecordsRequest>.Valid(
            new PruneRecordsRequest(connection.ConnectionId, connection.ProviderConfigKey, model, variant, untilCursor, limit.Value));
    }
}
