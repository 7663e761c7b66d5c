using Microsoft.Extensions.Primitives;
using Tributary.Core.Ports;
using Tributary.Core.Webhooks;

namespace Tributary.Server.Validation;

/// <summary>Validates the strict query of <c>GET /webhooks/deliveries</c> (our API, in Nango's error shape).</summary>
internal static class WebhookDeliveryListQueryParser
{
    public const int DefaultLimit = 100;

    private static readonly NumberRule LimitRule = new(1, 1000);

    private static readonly string[] States = [DeliveryStates.Pending, DeliveryStates.Delivered, DeliveryStates.Dead];

    private static readonly string[] QueryKeys = ["state", "run_id", "connection_id", "cursor", "limit"];

    /// <returns>The filter, asking for one row more than the page (the extra one says "more").</returns>
    public static ParseResult<DeliveryFilter> Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var input = QueryInput.From(query);
        var issues = new IssueList();
        var state = QueryFields.ReadOneOf(input, "state", States, issues);
        var runId = ReadId(input, "run_id", "Invalid run_id: a run id is a number", issues);
        var connectionId = QueryFields.ReadString(input, "connection_id", required: false, StringRule.ConnectionId, issues);
        var before = ReadId(input, "cursor", RunListQueryParser.InvalidCursorMessage, issues);
        var limit = QueryFields.ReadInteger(input, "limit", LimitRule, issues);
        QueryFields.RejectUnknownKeys(input, QueryKeys, issues);
        if (!issues.IsEmpty)
        {
            return ParseResult<DeliveryFilter>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        return ParseResult<DeliveryFilter>.Valid(new DeliveryFilter(state, runId, connectionId, before, (limit ?? DefaultLimit) + 1));
    }

    /// <summary>A positive id of ASCII digits (long.TryParse alone accepts trailing NULs).</summary>
    public static bool TryParseId(string? text, out long id)
    {
        id = 0;
        return text is { Length: > 0 and <= 19 } && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    private static long? ReadId(QueryInput input, string key, string message, IssueList issues)
    {
        var text = QueryFields.ReadString(input, key, required: false, StringRule.Any, issues);
        if (text is null)
        {
            return null;
        }

        if (TryParseId(text, out var id))
        {
            return id;
        }

        issues.Add(ZodCodes.Custom, message, [key]);
        return null;
    }
}
