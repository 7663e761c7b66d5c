namespace Tributary.Core.Webhooks;

/// <summary>A webhook to add to the outbox with a run's completion or with the connection change an auth webhook reports.</summary>
/// <param name="Event">One of <see cref="WebhookEvents"/>.</param>
public sealed record OutboxWebhook(
    long EnvironmentId,
    long ConnectionRowId,
    string ConnectionId,
    string ProviderConfigKey,
    string Event,
    string Url,
    string Body);

/// <summary>A delivery as the API lists it. Times are unix microseconds.</summary>
/// <param name="RunId">The run it reports; null for an auth webhook (no run is behind it).</param>
public sealed record WebhookDelivery(
    long Id,
    long? RunId,
    string ConnectionId,
    string ProviderConfigKey,
    string Event,
    string Url,
    string State,
    int Attempts,
    long CreatedAt,
    long? NextAttemptAt,
    long? DeliveredAt,
    int? LastStatus,
    string? LastError);

public static class WebhookEvents
{
    public const string SyncSuccess = "sync.success";
    public const string SyncError = "sync.error";
    public const string SyncRun = "sync.run";
    public const string AuthCreation = "auth.creation";
    public const string AuthOverride = "auth.override";
    public const string AuthRefresh = "auth.refresh";
}

public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Dead = "dead";

    public static bool IsKnown(string state) => state is Pending or Delivered or Dead;
}
