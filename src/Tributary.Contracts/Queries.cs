using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>The query of <c>GET /records</c>.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Variant">The sync variant (base when omitted).</param>
/// <param name="ModifiedAfter">Only records modified at or after this time.</param>
/// <param name="Delta">The old name of modified_after.</param>
/// <param name="Limit">Records per page, 1 to 10,000 (100 when omitted).</param>
/// <param name="Filter">Comma-separated added, updated, deleted.</param>
/// <param name="Cursor">The next_cursor of the previous page.</param>
/// <param name="Ids">Only these record ids (at most 100).</param>
public sealed record RecordListQuery(
    [property: JsonPropertyName("model"), JsonRequired] string Model,
    [property: JsonPropertyName("variant")] string? Variant,
    [property: JsonPropertyName("modified_after"), Description("Inclusive; within the last 12 months.")] DateTimeOffset? ModifiedAfter,
    [property: JsonPropertyName("delta"), Description("Deprecated: modified_after.")] DateTimeOffset? Delta,
    [property: JsonPropertyName("limit"), Description("1 to 10,000; 100 when omitted.")] int? Limit,
    [property: JsonPropertyName("filter"), Description("Comma-separated added, updated, deleted: records matching any of them.")] string? Filter,
    [property: JsonPropertyName("cursor"), Description("The next_cursor of the previous page.")] string? Cursor,
    [property: JsonPropertyName("ids"), Description("Repeat the parameter for each id; at most 100.")] IReadOnlyList<string>? Ids);

/// <summary>The query of <c>GET /runs</c>.</summary>
/// <param name="ProviderConfigKey">Only runs of this integration.</param>
/// <param name="ConnectionId">Only runs of this connection.</param>
/// <param name="Sync">Only runs of this sync.</param>
/// <param name="Variant">Only runs of this variant.</param>
/// <param name="State">queued, running, succeeded, failed or cancelled.</param>
/// <param name="BatchId">The batch_id of a trigger answer.</param>
/// <param name="Limit">Runs per page, 1 to 1,000 (100 when omitted).</param>
/// <param name="Cursor">The next_cursor of the previous page.</param>
public sealed record RunListQuery(
    [property: JsonPropertyName("provider_config_key")] string? ProviderConfigKey,
    [property: JsonPropertyName("connection_id")] string? ConnectionId,
    [property: JsonPropertyName("sync")] string? Sync,
    [property: JsonPropertyName("variant")] string? Variant,
    [property: JsonPropertyName("state"), Description("queued, running, succeeded, failed or cancelled.")] string? State,
    [property: JsonPropertyName("batch_id"), Description("The batch_id of a trigger answer.")] string? BatchId,
    [property: JsonPropertyName("limit"), Description("1 to 1,000; 100 when omitted.")] int? Limit,
    [property: JsonPropertyName("cursor"), Description("The next_cursor of the previous page.")] string? Cursor);

/// <summary>The query of <c>GET /sync/status</c>.</summary>
/// <param name="Syncs">"*" or a comma-separated list of names, each optionally "name::variant".</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="ConnectionId">Only this connection's syncs.</param>
public sealed record StatusQuery(
    [property: JsonPropertyName("syncs"), JsonRequired, Description("\"*\" or a comma-separated list of names, each optionally \"name::variant\".")] string Syncs,
    [property: JsonPropertyName("provider_config_key"), JsonRequired] string ProviderConfigKey,
    [property: JsonPropertyName("connection_id")] string? ConnectionId);

/// <summary>
/// The query of <c>GET /connections</c>; any other parameter is a 400 but Nango's tag filters, <c>tags[key]=value</c>
/// (every one must match).
/// </summary>
/// <param name="ConnectionId">Only this connection (also accepted as connection_id).</param>
/// <param name="IntegrationId">Only connections of these integrations (comma-separated unique keys).</param>
/// <param name="Limit">Page size (1-10,000; default 1,000).</param>
/// <param name="Cursor">The <c>next_cursor</c> of the previous page.</param>
/// <param name="Search">Part of the connection id, or of the end user's display name or email, in any case.</param>
/// <param name="EndUserId">Only connections of this end user.</param>
/// <param name="EndUserOrganizationId">Only connections of this end user organization.</param>
/// <param name="Page">Nango's zero-based page number.</param>
public sealed record ConnectionListQuery(
    [property: JsonPropertyName("connectionId"), Description("Also accepted as connection_id.")] string? ConnectionId,
    [property: JsonPropertyName("integrationId")] string? IntegrationId,
    [property: JsonPropertyName("limit")] int? Limit,
    [property: JsonPropertyName("cursor")] string? Cursor,
    [property: JsonPropertyName("search"), Description("Part of the connection id, or of the end user's display name or email.")] string? Search = null,
    [property: JsonPropertyName("endUserId")] string? EndUserId = null,
    [property: JsonPropertyName("endUserOrganizationId")] string? EndUserOrganizationId = null,
    [property: JsonPropertyName("page"), Description("Skips page × limit connections; not with cursor.")] int? Page = null);

/// <summary>The query of <c>DELETE</c> and <c>PATCH /connections/{connectionId}</c>: the integration the connection belongs to.</summary>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
public sealed record ConnectionKeyQuery(
    [property: JsonPropertyName("provider_config_key"), JsonRequired] string ProviderConfigKey);

/// <summary>The query of <c>GET /connections/{connectionId}</c>; any other parameter is a 400.</summary>
/// <param name="ProviderConfigKey">The integration of the connection (required, as in Nango).</param>
/// <param name="RefreshToken">"true" to include an OAuth2 refresh token in the credentials.</param>
/// <param name="ForceRefresh">"true" or "false", as Nango accepts it.</param>
/// <param name="RefreshGitHubAppJwtToken">"true" or "false" (@nangohq/node always sends it); no auth mode here has a GitHub App JWT, so it changes nothing.</param>
public sealed record ConnectionTargetQuery(
    [property: JsonPropertyName("provider_config_key"), JsonRequired] string ProviderConfigKey,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("force_refresh")] string? ForceRefresh,
    [property: JsonPropertyName("refresh_github_app_jwt_token")] string? RefreshGitHubAppJwtToken = null);

/// <summary>Nango's connection headers, which <c>/records</c> read the connection from.</summary>
/// <param name="ConnectionId">The connection's id.</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
public sealed record ConnectionHeaders(
    [property: JsonPropertyName("Connection-Id"), JsonRequired] string ConnectionId,
    [property: JsonPropertyName("Provider-Config-Key"), JsonRequired] string ProviderConfigKey);

/// <summary>The control headers of <c>/proxy/*</c> (Nango's); any <c>Nango-Proxy-Name</c> header goes upstream as <c>Name</c>.</summary>
public sealed record ProxyRequestHeaders(
    [property: JsonPropertyName("Connection-Id"), JsonRequired] string ConnectionId,
    [property: JsonPropertyName("Provider-Config-Key"), JsonRequired] string ProviderConfigKey,
    [property: JsonPropertyName("Retries"), Description("How many times a 429, a 5xx or a rate-limit 403 is retried, 0 to 20 (0 when absent).")] string? Retries,
    [property: JsonPropertyName("Base-Url-Override"), Description("An absolute http(s) URL used instead of the provider's base URL.")] string? BaseUrlOverride,
    [property: JsonPropertyName("Decompress"), Description("true or false: whether a compressed answer is decompressed before it is sent on.")] string? Decompress);

/// <summary>The query of <c>GET /scripts/config</c> (other keys are ignored, as Nango's).</summary>
public sealed record ScriptsConfigQuery(
    [property: JsonPropertyName("format"), Description("nango (the default): the integrations with their syncs; openai: {data} with one OpenAI function definition per sync.")] string? Format);

/// <summary>Where Nango's deprecated <c>/connection/{connectionId}/metadata</c> reads the integration's key from: the query first.</summary>
public sealed record LegacyMetadataQuery(
    [property: JsonPropertyName("provider_config_key"), Description("The integration's key; the Provider-Config-Key header when absent or empty.")] string? ProviderConfigKey);

/// <summary>The <c>Provider-Config-Key</c> header, read when the query does not name the integration.</summary>
public sealed record ProviderConfigKeyHeader(
    [property: JsonPropertyName("Provider-Config-Key"), Description("The integration's key, when the provider_config_key query parameter does not give it.")] string? ProviderConfigKey);
