using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>One integration in Nango's shape.</summary>
/// <param name="UniqueKey">The integration's key (provider_config_key elsewhere).</param>
/// <param name="DisplayName">Its display name (the key when none was given).</param>
/// <param name="Provider">The provider name.</param>
/// <param name="Logo">Always empty (Nango's points to its hosted logo images, which Tributary does not serve).</param>
/// <param name="CreatedAt">Creation time, ISO-8601 with milliseconds.</param>
/// <param name="UpdatedAt">Last change, ISO-8601 with milliseconds.</param>
public sealed record IntegrationResponse(
    [property: JsonPropertyName("unique_key")] string UniqueKey,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("logo")] string Logo,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("updated_at")] string UpdatedAt)
{
    /// <summary>Nango's setting as set (true unless set false); Tributary receives no provider webhooks to forward.</summary>
    [JsonPropertyName("forward_webhooks")]
    public bool ForwardWebhooks { get; init; } = true;

    /// <summary>Nango's list of the integration's missing settings: always empty here.</summary>
    [JsonPropertyName("missing_fields")]
    public IReadOnlyList<string> MissingFields { get; init; } = [];

    /// <summary>
    /// With <c>include=credentials</c>: the OAuth app, <c>{type, client_id, client_secret, scopes}</c>, or JSON null when
    /// the integration has none (Nango's); absent (<c>default</c>) without the include.
    /// </summary>
    [JsonPropertyName("credentials"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public System.Text.Json.JsonElement Credentials { get; init; }

    /// <summary>With <c>include=webhook</c>: JSON null (Tributary receives no provider webhooks); absent without it.</summary>
    [JsonPropertyName("webhook_url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public System.Text.Json.JsonElement WebhookUrl { get; init; }
}

/// <summary>Nango's envelope around one integration: <c>{"data":{…}}</c>.</summary>
/// <param name="Data">The integration.</param>
public sealed record IntegrationDataResponse(
    [property: JsonPropertyName("data")] IntegrationResponse Data);

/// <summary><c>GET /integrations</c>: <c>{"data":[…]}</c>.</summary>
/// <param name="Data">The integrations of the environment.</param>
public sealed record IntegrationListResponse(
    [property: JsonPropertyName("data")] IReadOnlyList<IntegrationResponse> Data);

/// <summary>An environment variable (none are kept here: the list is always empty).</summary>
/// <param name="Name">The variable's name.</param>
/// <param name="Value">Its value.</param>
public sealed record EnvironmentVariableResponse(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value);

/// <summary>Nango's create-integration body (<c>POST /integrations</c>); <c>PATCH</c> takes the same fields but <c>provider</c>.</summary>
/// <param name="Provider">The provider name (any name: there is no catalogue).</param>
/// <param name="UniqueKey">The new integration's key.</param>
/// <param name="DisplayName">An optional display name.</param>
/// <param name="ForwardWebhooks">Accepted for compatibility.</param>
/// <param name="Credentials">The OAuth app: <c>{type: "OAUTH2", client_id, client_secret, scopes?}</c> (scopes comma-separated).</param>
public sealed record IntegrationRequest(
    [property: JsonPropertyName("provider"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Provider,
    [property: JsonPropertyName("unique_key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UniqueKey,
    [property: JsonPropertyName("display_name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DisplayName,
    [property: JsonPropertyName("forward_webhooks"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ForwardWebhooks,
    [property: JsonPropertyName("credentials"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IntegrationCredentialsRequest? Credentials = null);

/// <summary>An integration's OAuth app as Nango's integration API takes it.</summary>
/// <param name="Type">Always <c>OAUTH2</c>.</param>
/// <param name="ClientId">The OAuth client id.</param>
/// <param name="ClientSecret">The OAuth client secret (stored encrypted).</param>
/// <param name="Scopes">Scopes, comma-separated.</param>
public sealed record IntegrationCredentialsRequest(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("client_id")] string ClientId,
    [property: JsonPropertyName("client_secret")] string ClientSecret,
    [property: JsonPropertyName("scopes"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scopes = null);

/// <summary><c>GET /providers</c>: <c>{"data":[…]}</c>, each a provider template as written, with its <c>name</c>.</summary>
/// <param name="Data">The templates (Nango's field names: <c>auth_mode</c>, <c>display_name</c>, <c>proxy</c>, …).</param>
public sealed record ProviderListResponse(
    [property: JsonPropertyName("data")] IReadOnlyList<System.Text.Json.Nodes.JsonObject> Data);

/// <summary><c>GET /providers/{provider}</c>: <c>{"data":{…}}</c>, the template as written, with its <c>name</c>.</summary>
/// <param name="Data">The template.</param>
public sealed record ProviderDataResponse(
    [property: JsonPropertyName("data")] System.Text.Json.Nodes.JsonObject Data);

/// <summary>The query of <c>GET /providers</c>.</summary>
/// <param name="Search">A case-insensitive pattern the provider's name must contain (Nango's: a regular expression of the characters an integration key may hold, so <c>.</c> is any character).</param>
public sealed record ProviderListQuery(
    [property: JsonPropertyName("search")] string? Search);
