namespace Tributary.Server.Validation;

/// <summary>Validates the bodies of <c>POST /sync/pause</c> and <c>POST /sync/start</c> (spec §2.1).</summary>
/// <remarks>
/// Nango checks neither the query string nor the headers on these two routes, so neither is an input here.
/// </remarks>
internal static class SyncControlRequestParser
{
    private static readonly string[] BodyKeys = ["syncs", "provider_config_key", "connection_id"];

    public static ParseResult<SyncControlRequest> Parse(JsonElement? body)
    {
        var issues = new IssueList();
        var root = IssuePath.Root;
        var obj = JsonObjectInput.Read(body, root, issues);
        if (obj is null)
        {
            return ParseResult<SyncControlRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        var syncs = SyncListReader.ForPauseAndStart.Read(obj, issues);
        var providerConfigKey = JsonFields.ReadString(obj, "provider_config_key", required: true, StringRule.ProviderConfigKey, root, issues);
        var connectionId = JsonFields.ReadString(obj, "connection_id", required: false, StringRule.ConnectionId, root, issues);
        JsonFields.RejectUnknownKeys(obj, BodyKeys, root, issues);

        if (!issues.IsEmpty || syncs is null || providerConfigKey is null)
        {
            return ParseResult<SyncControlRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        return ParseResult<SyncControlRequest>.Valid(new SyncControlRequest(providerConfigKey, connectionId, syncs));
    }
}
