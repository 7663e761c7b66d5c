using Microsoft.Extensions.Primitives;
using Tributary.Core.Domain;

namespace Tributary.Server.Validation;

/// <summary>
/// Validates the strict query of <c>GET /runs</c> (our API, in Nango's error shape): a bad <c>limit</c> or
/// <c>state</c> is a 400, never silently clamped or ignored.
/// </summary>
internal static class RunListQueryParser
{
    public const int DefaultLimit = 100;

    public const string InvalidCursorMessage = "Invalid cursor: pass the next_cursor of an earlier response";

    private static readonly NumberRule LimitRule = new(1, 1000);

    private static readonly string[] States = [.. Enum.GetValues<RunState>().Select(state => state.ToApiName())];

    private static readonly string[] QueryKeys =
        ["provider_config_key", "connection_id", "sync", "variant", "state", "batch_id", "cursor", "limit"];

    private static readonly StringRule BatchId = new(MinLength: 1, MaxLength: 255);

    public static ParseResult<RunListQuery> Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var input = QueryInput.From(query);
        var issues = new IssueList();
        var providerConfigKey = QueryFields.ReadString(input, "provider_config_key", required: false, StringRule.ProviderConfigKey, issues);
        var connectionId = QueryFields.ReadString(input, "connection_id", required: false, StringRule.ConnectionId, issues);
        var sync = QueryFields.ReadString(input, "sync", required: false, StringRule.Name, issues);
        var variant = QueryFields.ReadString(input, "variant", required: false, StringRule.Name, issues);
        var state = QueryFields.ReadOneOf(input, "state", States, issues);
        var batchId = QueryFields.ReadString(input, "batch_id", required: false, BatchId, issues);
        var before = ReadCursor(input, issues);
        var limit = QueryFields.ReadInteger(input, "limit", LimitRule, issues);
        QueryFields.RejectUnknownKeys(input, QueryKeys, issues);
        if (!issues.IsEmpty)
        {
            return ParseResult<RunListQuery>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        return ParseResult<RunListQuery>.Valid(
            new RunListQuery(providerConfigKey, connectionId, sync, variant, state, batchId, before, limit ?? DefaultLimit));
    }

    // A run id: ASCII digits only (long.TryParse alone accepts trailing NULs).
    private static long? ReadCursor(QueryInput input, IssueList issues)
    {
        var text = QueryFields.ReadString(input, "cursor", required: false, StringRule.Any, issues);
        if (text is null)
        {
            return null;
        }

        if (text.Length is > 0 and <= 19 && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return id;
        }

        issues.Add(ZodCodes.Custom, InvalidCursorMessage, ["cursor"]);
        return null;
    }
}
