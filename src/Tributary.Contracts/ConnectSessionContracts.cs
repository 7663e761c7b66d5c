using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>The <c>POST /connect/sessions</c> body (Nango's <c>ConnectSessionInput</c>).</summary>
/// <param name="EndUser">Who connects; required unless <c>tags</c> is given.</param>
/// <param name="Organization">Deprecated by Nango, still accepted: <c>{id, display_name?}</c>.</param>
/// <param name="AllowedIntegrations">The integrations' keys this session may connect; every integration when absent.</param>
/// <param name="IntegrationsConfigDefaults">Per integration key: <c>{user_scopes?, authorization_params?, connection_config?}</c>.</param>
/// <param name="Overrides">Per integration key: <c>{docs_connect?}</c>.</param>
/// <param name="WebhookUrlOverride">The new connection's webhook URL instead of the environment's.</param>
/// <param name="Tags">The new connection's tags (string values).</param>
public sealed record ConnectSessionRequest(
    [property: JsonPropertyName("end_user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConnectSessionEndUser? EndUser,
    [property: JsonPropertyName("organization"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConnectSessionOrganization? Organization,
    [property: JsonPropertyName("allowed_integrations"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? AllowedIntegrations,
    [property: JsonPropertyName("integrations_config_defaults"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? IntegrationsConfigDefaults,
    [property: JsonPropertyName("overrides"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Overrides,
    [property: JsonPropertyName("webhook_url_override"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WebhookUrlOverride,
    [property: JsonPropertyName("tags"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Tags);

/// <summary>The <c>POST /connect/sessions/reconnect</c> body: a session that re-authorizes one existing connection.</summary>
/// <param name="ConnectionId">The connection to re-authorize.</param>
/// <param name="IntegrationId">Its integration's key.</param>
/// <param name="EndUser">Optional: replaces the connection's end user.</param>
/// <param name="Organization">Deprecated by Nango, still accepted.</param>
/// <param name="IntegrationsConfigDefaults">As on a new session.</param>
/// <param name="Overrides">As on a new session.</param>
/// <param name="WebhookUrlOverride">As on a new session.</param>
/// <param name="Tags">As on a new session.</param>
public sealed record ReconnectSessionRequest(
    [property: JsonPropertyName("connection_id"), JsonRequired] string ConnectionId,
    [property: JsonPropertyName("integration_id"), JsonRequired] string IntegrationId,
    [property: JsonPropertyName("end_user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConnectSessionEndUser? EndUser,
    [property: JsonPropertyName("organization"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConnectSessionOrganization? Organization,
    [property: JsonPropertyName("integrations_config_defaults"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? IntegrationsConfigDefaults,
    [property: JsonPropertyName("overrides"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Overrides,
    [property: JsonPropertyName("webhook_url_override"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WebhookUrlOverride,
    [property: JsonPropertyName("tags"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Tags);

/// <summary>A connect session's end user.</summary>
/// <param name="Id">Your id for the user (1 to 255 characters).</param>
/// <param name="Email">Optional email address.</param>
/// <param name="DisplayName">Optional name to show.</param>
/// <param name="Tags">Optional tags (string values).</param>
public sealed record ConnectSessionEndUser(
    [property: JsonPropertyName("id"), JsonRequired] string Id,
    [property: JsonPropertyName("email"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email,
    [property: JsonPropertyName("display_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisplayName,
    [property: JsonPropertyName("tags"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Tags);

/// <summary>A connect session's organization (deprecated by Nango).</summary>
/// <param name="Id">Your id for the organization.</param>
/// <param name="DisplayName">Optional name to show.</param>
public sealed record ConnectSessionOrganization(
    [property: JsonPropertyName("id"), JsonRequired] string Id,
    [property: JsonPropertyName("display_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisplayName);

/// <summary>The answer to creating a connect session: <c>{data: {token, connect_link, expires_at}}</c>.</summary>
/// <param name="Data">The session.</param>
public sealed record ConnectSessionCreated(
    [property: JsonPropertyName("data"), JsonRequired] ConnectSessionToken Data);

/// <summary>A new connect session's token.</summary>
/// <param name="Token">The session token the frontend uses (30 minutes).</param>
/// <param name="ConnectLink">The Connect UI's URL with the token.</param>
/// <param name="ExpiresAt">When the token expires (ISO 8601).</param>
public sealed record ConnectSessionToken(
    [property: JsonPropertyName("token"), JsonRequired] string Token,
    [property: JsonPropertyName("connect_link"), JsonRequired] string ConnectLink,
    [property: JsonPropertyName("expires_at"), JsonRequired] string ExpiresAt);
