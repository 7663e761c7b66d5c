using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>
/// Nango's deprecated <c>POST</c>/<c>PATCH /connection/{connectionId}/metadata</c>: the integration's key from the
/// <c>provider_config_key</c> query parameter or the <c>Provider-Config-Key</c> header, and the whole body as the metadata.
/// </summary>
/// <remarks>
/// Nango reads no schema here: other query keys are ignored, as there. It stores any body as the metadata; a body
/// that is not a JSON object is refused here (zod's <c>invalid_type</c>), since every later reader of the connection
/// expects an object. An absent body is <c>{}</c>, as Express presents it.
/// </remarks>
internal static class LegacyMetadataRequestParser
{
    public static ParseResult<ConnectionMetadataRequest> Parse(
        string connectionId, IEnumerable<KeyValuePair<string, StringValues>> query, NangoHeaders headers, JsonElement? body)
    {
        var issues = new IssueList();
        var fromQuery = QueryFields.ReadString(QueryInput.From(query), "provider_config_key", required: false, StringRule.Any, issues);
        if (!issues.IsEmpty)
        {
            return ParseResult<ConnectionMetadataRequest>.Invalid(ApiErrors.InvalidQueryParams(issues.Items));
        }

        // Nango's `query || header`: an empty query value falls through to the header.
        var providerConfigKey = string.IsNullOrEmpty(fromQuery) ? headers.ProviderConfigKey : fromQuery;
        if (string.IsNullOrEmpty(providerConfigKey))
        {
            // Nango's connection lookup without a key.
            return ParseResult<ConnectionMetadataRequest>.Invalid(ApiErrors.MissingParam("missing_provider_config", "provider_config_key"));
        }

        if (JsonObjectInput.Read(body, IssuePath.Root, issues) is null)
        {
            return ParseResult<ConnectionMetadataRequest>.Invalid(ApiErrors.InvalidBody(issues.Items));
        }

        var metadata = body is { ValueKind: JsonValueKind.Object } sent ? JsonObject.Create(sent)! : new JsonObject();
        return ParseResult<ConnectionMetadataRequest>.Valid(new ConnectionMetadataRequest([connectionId], providerConfigKey, metadata));
    }
}
