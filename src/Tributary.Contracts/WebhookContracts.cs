using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>An environment's webhook settings (the field names of Nango's dashboard) and the key its webhooks are signed with.</summary>
/// <param name="PrimaryUrl">Where webhooks go; null sends none.</param>
/// <param name="SecondaryUrl">A second receiver of every webhook.</param>
/// <param name="OnSyncCompletionAlways">Send a success webhook for a model even when nothing changed.</param>
/// <param name="OnAuthCreation">Send auth webhooks on connection creation.</param>
/// <param name="OnAuthRefreshError">Send auth webhooks when a token refresh fails.</param>
/// <param name="OnSyncError">Send a webhook when a run fails.</param>
/// <param name="OnSyncRunSummary">Tributary: also send one webhook per run with every model's counts.</param>
/// <param name="WebhookSigningKey">The key of X-Nango-Hmac-Sha256 (give it to @nangohq/node as webhookSigningKey).</param>
public sealed record WebhookSettingsResponse(
    [property: JsonPropertyName("primary_url")] string? PrimaryUrl,
    [property: JsonPropertyName("secondary_url")] string? SecondaryUrl,
    [property: JsonPropertyName("on_sync_completion_always")] bool OnSyncCompletionAlways,
    [property: JsonPropertyName("on_auth_creation")] bool OnAuthCreation,
    [property: JsonPropertyName("on_auth_refresh_error")] bool OnAuthRefreshError,
    [property: JsonPropertyName("on_sync_error")] bool OnSyncError,
    [property: JsonPropertyName("on_sync_run_summary")] bool OnSyncRunSummary,
    [property: JsonPropertyName("webhook_signing_key")] string WebhookSigningKey);

/// <summary>The body of <c>PATCH /environment/webhook-settings</c>: at least one field; any other is a 400.</summary>
/// <param name="PrimaryUrl">An http(s) URL, or "" to clear it.</param>
/// <param name="SecondaryUrl">An http(s) URL, or "" to clear it.</param>
/// <param name="OnSyncCompletionAlways">Send a success webhook for a model even when nothing changed.</param>
/// <param name="OnAuthCreation">Send auth webhooks on connection creation.</param>
/// <param name="OnAuthRefreshError">Send auth webhooks when a token refresh fails.</param>
/// <param name="OnSyncError">Send a webhook when a run fails.</param>
/// <param name="OnSyncRunSummary">Tributary: also send one webhook per run with every model's counts.</param>
public sealed record WebhookSettingsRequest(
    [property: JsonPropertyName("primary_url")] string? PrimaryUrl,
    [property: JsonPropertyName("secondary_url")] string? SecondaryUrl,
    [property: JsonPropertyName("on_sync_completion_always")] bool? OnSyncCompletionAlways,
    [property: JsonPropertyName("on_auth_creation")] bool? OnAuthCreation,
    [property: JsonPropertyName("on_auth_refresh_error")] bool? OnAuthRefreshError,
    [property: JsonPropertyName("on_sync_error")] bool? OnSyncError,
    [property: JsonPropertyName("on_sync_run_summary")] bool? OnSyncRunSummary);

/// <summary>Nango's answer to <c>POST /environment/webhook-signing-key/rotate</c>.</summary>
/// <param name="Data">The new key.</param>
public sealed record WebhookSigningKeyResponse(
    [property: JsonPropertyName("data")] WebhookSigningKeyData Data);

/// <param name="WebhookSigningKey">The new signing key; deliveries sent from now on are signed with it.</param>
public sealed record WebhookSigningKeyData(
    [property: JsonPropertyName("webhook_signing_key")] string WebhookSigningKey);

/// <summary>One webhook delivery of the outbox.</summary>
/// <param name="Id">The delivery id (a number, sent as a string).</param>
/// <param name="RunId">The run it reports; null for an auth webhook.</param>
/// <param name="ConnectionId">The connection's id.</param>
/// <param name="ProviderConfigKey">The integration's unique key.</param>
/// <param name="Event">sync.success, sync.error, sync.run, auth.creation, auth.override or auth.refresh.</param>
/// <param name="Url">The receiver.</param>
/// <param name="State">pending, delivered or dead.</param>
/// <param name="Attempts">POSTs tried so far.</param>
/// <param name="CreatedAt">When the run's completion wrote it, ISO-8601.</param>
/// <param name="NextAttemptAt">When a pending delivery is tried next, ISO-8601.</param>
/// <param name="DeliveredAt">When the receiver accepted it, ISO-8601.</param>
/// <param name="LastStatus">The HTTP status of the last attempt, when there was an answer.</param>
/// <param name="LastError">Why the last attempt failed.</param>
public sealed record WebhookDeliveryResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("run_id")] string? RunId,
    [property: JsonPropertyName("connection_id")] string ConnectionId,
    [property: JsonPropertyName("provider_config_key")] string ProviderConfigKey,
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("created_at")] string CreatedAt,
    [property: JsonPropertyName("next_attempt_at")] string? NextAttemptAt,
    [property: JsonPropertyName("delivered_at")] string? DeliveredAt,
    [property: JsonPropertyName("last_status")] int? LastStatus,
    [property: JsonPropertyName("last_error")] string? LastError);

/// <summary><c>GET /webhooks/deliveries</c>: one page, newest first.</summary>
/// <param name="Deliveries">The deliveries of the page.</param>
/// <param name="NextCursor">Pass it as <c>cursor</c> for the next page; null on the last.</param>
public sealed record WebhookDeliveryListResponse(
    [property: JsonPropertyName("deliveries")] IReadOnlyList<WebhookDeliveryResponse> Deliveries,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);

/// <summary>The query of <c>GET /webhooks/deliveries</c>; any other parameter is a 400.</summary>
public sealed record WebhookDeliveryListQuery(
    [property: JsonPropertyName("state"), Description("pending, delivered or dead.")] string? State,
    [property: JsonPropertyName("run_id"), Description("Only the deliveries of this run.")] string? RunId,
    [property: JsonPropertyName("connection_id"), Description("Only the deliveries of this connection.")] string? ConnectionId,
    [property: JsonPropertyName("limit"), Description("1 to 1,000; 100 when omitted.")] int? Limit,
    [property: JsonPropertyName("cursor"), Description("The next_cursor of the previous page.")] string? Cursor);
