using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>One connection as <c>GET /connections/{connectionId}</c> and <c>POST /connections</c> answer it (Nango's field order).</summary>
/// <param name="Id">The connection's numeric id.</param>
/// <param name="ConnectionId">The caller's id of the connection.</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="Provider">The provider name.</param>
/// <param name="Errors">While the last token refresh failed: one <c>{type: "auth", log_id, message, last_failure_at, attempts}</c> entry; else empty.</param>
/// <param name="EndUser">
/// For a connection made through a connect session that named one, its end user as Nango answers it:
/// <c>{id, display_name, email, tags, organization: {id, display_name} | null}</c>; else null.
/// </param>
/// <param name="Metadata">The connection's metadata object.</param>
/// <param name="Tags">The connection's tags: from its connect session (<c>end_user_id</c>, <c>end_user_email</c>, … and the session's <c>tags</c>), else empty.</param>
/// <param name="ConnectionConfig">The connection's connection_config (interpolation inputs such as a subdomain).</param>
/// <param name="WebhookUrlOverride">Where the connection's webhooks go instead of the environment's URLs; null for none.</param>
/// <param name="CreatedAt">Creation time, ISO-8601 with milliseconds.</param>
/// <param name="UpdatedAt">Last change, ISO-8601 with milliseconds.</param>
/// <param name="LastFetchedAt">Always null (no token refresh yet).</param>
/// <param name="Credentials">
/// The decrypted credentials as Nango answers them: <c>{}</c> for NONE, the refresh token only when asked for; absent
/// for a key without <c>environment:connections:read_credentials</c> (on <c>GET</c>) and in no other case.
/// </param>
public sealed record ConnectionResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("connection_id")] string ConnectionId,
    [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("errors")] IReadOnlyList<JsonNode> Errors,
    [property: JsonPropertyName("end_user")] JsonNode? EndUser,
    [property: JsonPropertyName("metadata")] RawJson Metadata,
    [property: JsonPropertyName("tags")] JsonObject Tags,
    [property: JsonPropertyName("connection_config")] JsonObject ConnectionConfig,
    [property: JsonPropertyName("webhook_url_override")] string? WebhookUrlOverride,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt,
    [property: JsonPropertyName("last_fetched_at")] string? LastFetchedAt,
    [property: JsonPropertyName("credentials"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Credentials);

/// <summary><c>GET /connections</c>: <c>{"connections":[…]}</c>.</summary>
/// <param name="Connections">The connections of the environment, one page of them.</param>
/// <param name="NextCursor">Our addition to Nango's body: the keyset cursor of the next page, null on the last one.</param>
public sealed record ConnectionListResponse(
    [property: JsonPropertyName("connections")] IReadOnlyList<ConnectionListItem> Connections,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>One connection of a list (Nango's list shape: <c>created</c>, no credentials).</summary>
/// <param name="Id">The connection's numeric id.</param>
/// <param name="ConnectionId">The caller's id of the connection.</param>
/// <param name="Provider">The provider name.</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="Created">Creation time, ISO-8601 with milliseconds.</param>
/// <param name="Metadata">The connection's metadata object.</param>
/// <param name="Tags">The connection's tags: from its connect session (<c>end_user_id</c>, <c>end_user_email</c>, … and the session's <c>tags</c>), else empty.</param>
/// <param name="Errors">Always empty here.</param>
/// <param name="EndUser">The end user of a connection made through a connect session, as in <see cref="ConnectionResponse"/>; else null.</param>
public sealed record ConnectionListItem(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("connection_id")] string ConnectionId,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
    [property: JsonPropertyName("created")] string Created,
    [property: JsonPropertyName("metadata")] RawJson Metadata,
    [property: JsonPropertyName("tags")] JsonObject Tags,
    [property: JsonPropertyName("errors")] IReadOnlyList<JsonNode> Errors,
    [property: JsonPropertyName("end_user")] JsonNode? EndUser);

/// <summary>The answer to <c>POST</c>/<c>PATCH /connections/metadata</c>: the request's body, as Nango echoes it.</summary>
/// <param name="ConnectionId">The connection id, or the list of ids, as sent.</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="Metadata">The metadata sent.</param>
public sealed record MetadataResponse(
    [property: JsonPropertyName("connection_id")] JsonNode ConnectionId,
    [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
    [property: JsonPropertyName("metadata")] JsonObject Metadata);
