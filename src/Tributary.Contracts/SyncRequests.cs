using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>Nango's <c>POST /sync/trigger</c> body.</summary>
/// <param name="ProviderConfigKey">The integration's unique key (or the Provider-Config-Key header).</param>
/// <param name="ConnectionId">One connection; omitted, every connection of the integration.</param>
/// <param name="Syncs">Sync names (<c>"name"</c> or <c>"name::variant"</c>) or <c>{name, variant}</c> objects; empty means every sync.</param>
/// <param name="Opts">Reset and empty-cache flags.</param>
/// <param name="SyncMode">Deprecated (Nango's older clients): <c>incremental</c>, <c>full_refresh</c> or <c>full_refresh_and_clear_cache</c>; not with <c>opts</c>.</param>
/// <param name="FullResync">Deprecated (Nango's older clients): true is <c>full_refresh</c>; not with <c>opts</c>.</param>
public sealed record TriggerRequest(
    [property: JsonPropertyName("provider_config_key"), JsonRequired] string ProviderConfigKey,
    [property: JsonPropertyName("connection_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConnectionId,
    [property: JsonPropertyName("syncs"), JsonRequired] IReadOnlyList<JsonNode> Syncs,
    [property: JsonPropertyName("opts"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TriggerOptions? Opts,
    [property: JsonPropertyName("sync_mode"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TriggerSyncMode? SyncMode = null,
    [property: JsonPropertyName("full_resync"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? FullResync = null);

/// <summary>The deprecated <c>sync_mode</c> of <c>POST /sync/trigger</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TriggerSyncMode>))]
public enum TriggerSyncMode
{
    /// <summary>A run from the checkpoint.</summary>
    [JsonStringEnumMemberName("incremental")]
    Incremental,

    /// <summary>A run from no checkpoint.</summary>
    [JsonStringEnumMemberName("full_refresh")]
    FullRefresh,

    /// <summary>A run from no checkpoint that empties the records first.</summary>
    [JsonStringEnumMemberName("full_refresh_and_clear_cache")]
    FullRefreshAndClearCache,
}

/// <summary>The trigger's options.</summary>
/// <param name="Reset">Start from no checkpoint (a running run is stopped first).</param>
/// <param name="EmptyCache">Delete the sync's records at the start of the run (with reset).</param>
public sealed record TriggerOptions(
    [property: JsonPropertyName("reset"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Reset,
    [property: JsonPropertyName("emptyCache"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? EmptyCache);

/// <summary>The <c>POST /sync/pause</c> and <c>/sync/start</c> body.</summary>
/// <param name="Syncs">Sync names or <c>{name, variant}</c> objects; empty means every sync.</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="ConnectionId">If omitted, every connection of the integration.</param>
public sealed record SyncScheduleRequest(
    [property: JsonPropertyName("syncs"), JsonRequired] IReadOnlyList<JsonNode> Syncs,
    [property: JsonPropertyName("provider_config_key"), JsonRequired] string ProviderConfigKey,
    [property: JsonPropertyName("connection_id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ConnectionId);

/// <summary>The connection a variant is created on or deleted from.</summary>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="ConnectionId">The connection's id.</param>
public sealed record ConnectionReference(
    [property: JsonPropertyName("provider_config_key"), JsonRequired] string ProviderConfigKey,
    [property: JsonPropertyName("connection_id"), JsonRequired] string ConnectionId);

/// <summary>The <c>PUT /sync/update-connection-frequency</c> body.</summary>
/// <param name="SyncName">The sync's name.</param>
/// <param name="SyncVariant">The sync's variant (base when omitted).</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="ConnectionId">The connection's id.</param>
/// <param name="Frequency">e.g. "every 5 minutes"; null goes back to the config's frequency.</param>
public sealed record FrequencyRequest(
    [property: JsonPropertyName("sync_name"), JsonRequired] string SyncName,
    [property: JsonPropertyName("sync_variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SyncVariant,
    [property: JsonPropertyName("provider_config_key"), JsonRequired] string ProviderConfigKey,
    [property: JsonPropertyName("connection_id"), JsonRequired] string ConnectionId,
    [property: JsonPropertyName("frequency"), JsonRequired] string? Frequency);

/// <summary>The <c>PATCH /records/prune</c> body.</summary>
/// <param name="Model">The model whose records are pruned.</param>
/// <param name="Variant">The sync variant (base when omitted).</param>
/// <param name="UntilCursor">Prune records up to and including this cursor.</param>
/// <param name="Limit">At most this many records per call.</param>
public sealed record PruneRequest(
    [property: JsonPropertyName("model"), JsonRequired] string Model,
    [property: JsonPropertyName("variant"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Variant,
    [property: JsonPropertyName("until_cursor"), JsonRequired] string UntilCursor,
    [property: JsonPropertyName("limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Limit);

/// <summary>The <c>POST /connections</c> body: import a connection with its credentials.</summary>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="ConnectionId">The new connection's id (at most 255 characters).</param>
/// <param name="Credentials">API_KEY (apiKey), BASIC (username), OAUTH2 (access_token) or NONE, with its <c>type</c>.</param>
/// <param name="Metadata">Optional metadata object.</param>
/// <param name="ConnectionConfig">Optional connection configuration (string values: subdomain, instance URL…).</param>
/// <param name="WebhookUrlOverride">Optional: this connection's webhooks go here instead of the environment's URLs; <c>""</c> for none.</param>
public sealed record ConnectionCreateRequest(
    [property: JsonPropertyName("provider_config_key"), JsonRequired] string ProviderConfigKey,
    [property: JsonPropertyName("connection_id"), JsonRequired] string ConnectionId,
    [property: JsonPropertyName("credentials"), JsonRequired] JsonObject Credentials,
    [property: JsonPropertyName("metadata"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Metadata,
    [property: JsonPropertyName("connection_config"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? ConnectionConfig = null,
    [property: JsonPropertyName("webhook_url_override"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WebhookUrlOverride = null);

/// <summary>The <c>POST</c> (replace) and <c>PATCH</c> (merge) <c>/connections/metadata</c> body.</summary>
/// <param name="ConnectionId">One connection id or a list of them.</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="Metadata">The metadata to set or merge.</param>
public sealed record MetadataRequest(
    [property: JsonPropertyName("connection_id"), JsonRequired] JsonNode ConnectionId,
    [property: JsonPropertyName("provider_config_key"), JsonRequired] string ProviderConfigKey,
    [property: JsonPropertyName("metadata"), JsonRequired] JsonObject Metadata);

/// <summary>The <c>PATCH /connections/{connectionId}</c> body (Nango's <c>patchConnection</c>); both optional.</summary>
/// <param name="EndUser">The connection's end user: <c>{id, email?, display_name?, tags?}</c>.</param>
/// <param name="Tags">The connection's tags, replacing the old ones (keys lower-cased).</param>
public sealed record ConnectionPatchBody(
    [property: JsonPropertyName("end_user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? EndUser,
    [property: JsonPropertyName("tags"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonObject? Tags);
