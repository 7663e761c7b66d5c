using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>Validates the query of <c>GET /sync/status</c> (spec §2.2).</summary>
internal static class SyncStatusQueryParser
{
    private const string AllSyncsToken = "*";

    private static readonly string[] QueryKeys = ["syncs", "provider_config_key", "connection_id"];

    public static ParseResult<SyncStatusQuery> Parse(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        var input = QueryInput.From(query);
        var issues = new IssueList();
        var syncs = QueryFields.ReadString(input, "syncs", required: true, StringRule.Any, issues);
        var providerConfigKey = QueryFields.ReadString(input, "provider_config_key", required: true, StringRule.ProviderConfigKey, issues);
        var connectionId = QueryFields.ReadString(input, "connection_id", required: false, StringRule.ConnectionId, issues);
        QueryFields.RejectUnknownKeys(input, QueryKeys, issues);

        if (!issues.IsEmpty || syncs is null || providerConfigKey is null)
        {
            return ParseResult<SyncStatusQuery>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        if (syncs == AllSyncsToken)
        {
            return ParseResult<SyncStatusQuery>.Valid(new SyncStatusQuery(providerConfigKey, connectionId, AllSyncs: true, []));
        }

        var identifiers = syncs.Split(',').Select(SyncIdentifier.Parse).ToList();
        return ParseResult<SyncStatusQuery>.Valid(new SyncStatusQuery(providerConfigKey, connectionId, AllSyncs: false, identifiers));
    }
}
