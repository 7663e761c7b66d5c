using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>Validates the sync variant routes (spec §2.4).</summary>
/// <remarks>
/// Nango's order on both routes: body, then route parameters, then an empty query string, then the protected
/// <c>base</c> variant.
/// </remarks>
internal static class SyncVariantRequestParser
{
    private static readonly string[] BodyKeys = ["provider_config_key", "connection_id"];

    public static ParseResult<SyncVariantRequest> ParseCreate(
        string name,
        string variant,
        IEnumerable<KeyValuePair<string, StringValues>> query,
        JsonElement? body) =>
        Parse(name, variant, query, body, $"Variant name \"{variant}\" is protected.");

    public static ParseResult<SyncVariantRequest> ParseDelete(
        string name,
        string variant,
        IEnumerable<KeyValuePair<string, StringValues>> query,
        JsonElement? body) =>
        Parse(name, variant, query, body, $"Cannot delete protected variant \"{variant}\".");

    private static ParseResult<SyncVariantRequest> Parse(
        string name,
        string variant,
        IEnumerable<KeyValuePair<string, StringValues>> query,
        JsonElement? body,
        string protectedVariantMessage)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(variant);

        var bodyIssues = new IssueList();
        var root = IssuePath.Root;
        var obj = JsonObjectInput.Read(body, root, bodyIssues);
        string? providerConfigKey = null;
        string? connectionId = null;
        if (obj is not null)
        {
            providerConfigKey = JsonFields.ReadString(obj, "provider_config_key", required: true, StringRule.ProviderConfigKey, root, bodyIssues);
            connectionId = JsonFields.ReadString(obj, "connection_id", required: true, StringRule.ConnectionId, root, bodyIssues);
            JsonFields.RejectUnknownKeys(obj, BodyKeys, root, bodyIssues);
        }

        if (!bodyIssues.IsEmpty || providerConfigKey is null || connectionId is null)
        {
            return ParseResult<SyncVariantRequest>.Invalid(ApiErrors.InvalidBody(bodyIssues.Items));
        }

        var routeIssues = new IssueList();
        StringRule.Name.Check(name, ["name"], routeIssues);
        StringRule.Name.Check(variant, ["variant"], routeIssues);
        if (!routeIssues.IsEmpty)
        {
            return ParseResult<SyncVariantRequest>.Invalid(ApiErrors.InvalidUriParams(routeIssues.Items));
        }

        if (RequestChecks.RequireEmptyQuery(QueryInput.From(query)) is { } queryError)
        {
            return ParseResult<SyncVariantRequest>.Invalid(queryError);
        }

        if (string.Equals(variant, SyncIdentifier.BaseVariant, StringComparison.OrdinalIgnoreCase))
        {
            return ParseResult<SyncVariantRequest>.Invalid(
                new ApiError(StatusCodes.Status400BadRequest, "invalid_variant", protectedVariantMessage));
        }

        return ParseResult<SyncVariantRequest>.Valid(new SyncVariantRequest(name, variant, providerConfigKey, connectionId));
    }
}
