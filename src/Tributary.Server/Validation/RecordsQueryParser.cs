using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>Validates <c>GET /records</c> (spec §2.5): the query first, then the headers, as Nango does.</summary>
/// <remarks>
/// Deliberate differences from Nango: <c>modified_after</c>/<c>delta</c> accept offsets (see
/// <see cref="IsoInstant"/>); <c>filter</c> accepts any letter case; <c>limit</c> must be a whole number.
/// </remarks>
internal static class RecordsQueryParser
{
    public const string OutsideLookbackMessage = "must be within the last 12 months";

    public const int DefaultLimit = 100;

    private const int MaxIds = 100;

    private const string IdsKey = "ids";

    private static readonly TimeSpan Lookback = TimeSpan.FromDays(365);

    // Nango's enum lists both cases; its message is kept although any case is accepted here.
    private static readonly string[] FilterOptions = ["added", "updated", "deleted", "ADDED", "UPDATED", "DELETED"];

    private static readonly string[] QueryKeys =
        ["model", "variant", "delta", "modified_after", "limit", "filter", "cursor", IdsKey];

    /// <param name="now">The current time, for the 12-month look-back of <c>modified_after</c>.</param>
    public static ParseResult<RecordsQuery> Parse(
        IEnumerable<KeyValuePair<string, StringValues>> query,
        NangoHeaders headers,
        DateTimeOffset now)
    {
        var input = QueryInput.From(query);
        var issues = new IssueList();
        var model = QueryFields.ReadString(input, "model", required: true, StringRule.Model, issues);
        var variant = QueryFields.ReadString(input, "variant", required: false, StringRule.Name, issues);
        var delta = ReadInstant(input, "delta", now, issues);
        var modifiedAfter = ReadInstant(input, "modified_after", now, issues);
        var limit = ReadLimit(input, issues);
        var filter = ReadFilter(input, issues);
        var cursor = QueryFields.ReadString(input, "cursor", required: false, StringRule.Cursor, issues);
        var ids = ReadIds(input, issues);
        QueryFields.RejectUnknownKeys(input, QueryKeys, issues);

        if (!issues.IsEmpty || model is null)
        {
            return ParseResult<RecordsQuery>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        var headerIssues = new IssueList();
        if (ConnectionHeadersParser.Read(headers, headerIssues) is not { } connection)
        {
            return ParseResult<RecordsQuery>.Invalid(ApiErrors.InvalidHeaders(headerIssues.Items));
        }

        return ParseResult<RecordsQuery>.Valid(new RecordsQuery(
            connection.ConnectionId,
            connection.ProviderConfigKey,
            model,
            variant,
            delta ?? modifiedAfter,
            limit ?? DefaultLimit,
            filter,
            cursor,
            ids));
    }

    private static DateTimeOffset? ReadInstant(QueryInput input, string key, DateTimeOffset now, IssueList issues)
    {
        var text = QueryFields.ReadString(input, key, required: false, StringRule.Any, issues);
        if (text is null)
        {
            return null;
        }

        if (!IsoInstant.TryParse(text, out var instant))
        {
            issues.Add(ZodCodes.InvalidFormat, ZodMessages.InvalidIsoDatetime, [key]);
            return null;
        }

        if (instant < now - Lookback)
        {
            issues.Add(ZodCodes.Custom, OutsideLookbackMessage, [key]);
            return null;
        }

        return instant;
    }

    private static int? ReadLimit(QueryInput input, IssueList issues)
    {
        if (!input.TryGet("limit", out var values))
        {
            return null;
        }

        // Number(["1","2"]) is NaN, so a repeated limit fails as not-a-number, as in Nango.
        var number = values.Count == 1 ? JsNumber.FromString(values[0] ?? string.Empty) : double.NaN;
        return NumberRule.Limit.Check(number, ["limit"], issues);
    }

    private static RecordFilters ReadFilter(QueryInput input, IssueList issues)
    {
        var text = QueryFields.ReadString(input, "filter", required: false, StringRule.Any, issues);
        if (text is null)
        {
            return RecordFilters.None;
        }

        var filter = RecordFilters.None;
        var parts = text.Split(',');
        for (var index = 0; index < parts.Length; index++)
        {
            if (FilterKind(parts[index]) is { } kind)
            {
                filter |= kind;
            }
            else
            {
                issues.Add(ZodCodes.InvalidValue, ZodMessages.OneOf(FilterOptions), ["filter", index.ToString(CultureInfo.InvariantCulture)]);
            }
        }

        return filter;
    }

    private static RecordFilters? FilterKind(string part) => part.ToLowerInvariant() switch
    {
        "added" => RecordFilters.Added,
        "updated" => RecordFilters.Updated,
        "deleted" => RecordFilters.Deleted,
        _ => null,
    };

    private static List<string> ReadIds(QueryInput input, IssueList issues)
    {
        if (!input.TryGet(IdsKey, out var values))
        {
            return [];
        }

        // One value is zod's string branch (path "ids"), several are its array branch (paths "ids","<i>").
        if (values.Count == 1)
        {
            var single = values[0] ?? string.Empty;
            return StringRule.RecordId.Check(single, [IdsKey], issues) ? [StripNul(single)] : [];
        }

        var ids = new List<string>(values.Count);
        var valid = true;
        for (var index = 0; index < values.Count; index++)
        {
            var id = values[index] ?? string.Empty;
            valid &= StringRule.RecordId.Check(id, [IdsKey, index.ToString(CultureInfo.InvariantCulture)], issues);
            ids.Add(StripNul(id));
        }

        if (values.Count > MaxIds)
        {
            issues.Add(ZodCodes.TooBig, ZodMessages.ArrayTooBig(MaxIds), [IdsKey]);
            valid = false;
        }

        return valid ? ids : [];
    }

    // PostgreSQL text cannot hold NUL, and no stored external id contains one.
    private static string StripNul(string id) => id.Replace("\0", string.Empty, StringComparison.Ordinal);
}
