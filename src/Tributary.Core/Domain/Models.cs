namespace Tributary.Core.Domain;

public sealed record EnvironmentInfo(long Id, string Name);

public sealed record ApiKeyInfo(long Id, long EnvironmentId, string EnvironmentName, string Name, IReadOnlyList<string> Scopes);

/// <param name="ForwardWebhooks">Nango's setting, kept and answered (no provider webhooks are received here to forward).</param>
public sealed record Integration(
    long Id,
    long EnvironmentId,
    string UniqueKey,
    string Provider,
    string? DisplayName,
    string? BaseUrl,
    long CreatedAt,
    long UpdatedAt,
    bool ForwardWebhooks = true);

public sealed record SyncConfig(
    long Id,
    long IntegrationId,
    string Name,
    string Function,
    IReadOnlyList<string> Models,
    string Frequency,
    long FrequencyMs,
    bool AutoStart,
    string SyncType,
    bool TrackDeletes,
    bool Enabled)
{
    /// <summary>When a deploy last wrote it (Unix microseconds): Nango's <c>last_deployed</c>.</summary>
    public long UpdatedAt { get; init; }
}

public sealed record Connection(
    long Id,
    long EnvironmentId,
    long IntegrationId,
    string ProviderConfigKey,
    string Provider,
    string ConnectionId,
    string CredentialsType,
    byte[] EncryptedCredentials,
    string MetadataJson,
    long CreatedAt,
    long UpdatedAt)
{
    /// <summary>Nango's <c>webhook_url_override</c>: when set, the connection's webhooks go here instead of the environment's URLs.</summary>
    public string? WebhookUrlOverride { get; init; }

    /// <summary>Nango's public end user of a connection made through a connect session (JSON text); null for none.</summary>
    public string? EndUserJson { get; init; }

    /// <summary>The connection's tags (a JSON object's text); null for none.</summary>
    public string? TagsJson { get; init; }

    /// <summary>Why the last token refresh failed, while it is the last word on the credentials; null otherwise.</summary>
    public string? RefreshError { get; init; }

    /// <summary>When the last refresh failed (Unix microseconds); null when none has.</summary>
    public long? LastRefreshFailure { get; init; }

    /// <summary>Failed refreshes in a row.</summary>
    public int RefreshAttempts { get; init; }
}

/// <summary>A sync (config × connection × variant) with its schedule, as the status API needs it.</summary>
public sealed record SyncRow
{
    public required string Id { get; init; }

    public required long ConnectionDbId { get; init; }

    /// <summary>The connection's id as the API names it.</summary>
    public required string ConnectionId { get; init; }

    public required long SyncConfigId { get; init; }

    public required string Name { get; init; }

    public required string Variant { get; init; }

    public string? FrequencyOverride { get; init; }

    public required string ConfigFrequency { get; init; }

    public required long FrequencyMs { get; init; }

    public required ScheduleState ScheduleState { get; init; }

    /// <summary>Unix microseconds.</summary>
    public required long NextDueAt { get; init; }

    /// <summary>Unix microseconds.</summary>
    public long? LastSyncDate { get; init; }

    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>The config's <c>sync_type</c> (<c>incremental</c> or <c>full</c>), where the read joined it; null otherwise.</summary>
    public string? ConfigSyncType { get; init; }
}

public static class TriggerSources
{
    public const string Schedule = "schedule";
    public const string Api = "api";
    public const string Retry = "retry";
}

/// <summary>A sync identifier as the API names it: name and variant (<c>base</c> unless given).</summary>
public sealed record SyncIdentifier(string Name, string Variant)
{
    public const string BaseVariant = "base";
}

/// <summary>Per-model counts of one run, accumulated over its batches.</summary>
public sealed class ModelCounts
{
    public int Added { get; set; }

    public int Updated { get; set; }

    public int Deleted { get; set; }
}

/// <summary>A run as the API shows it. Times are unix microseconds.</summary>
public sealed record RunRow
{
    public required long Id { get; init; }

    public required string SyncId { get; init; }

    public required string SyncName { get; init; }

    public required string Variant { get; init; }

    public required string ConnectionId { get; init; }

    public required string ProviderConfigKey { get; init; }

    public required RunState State { get; init; }

    /// <summary>One of <see cref="TriggerSources"/>.</summary>
    public required string TriggerSource { get; init; }

    public string? Initiator { get; init; }

    public bool Reset { get; init; }

    public bool EmptyCache { get; init; }

    public string? BatchId { get; init; }

    public int Attempt { get; init; }

    public required long QueuedAt { get; init; }

    public long? StartedAt { get; init; }

    public long? FinishedAt { get; init; }

    public string? JobType { get; init; }

    public string? ResultJson { get; init; }

    public string? Error { get; init; }
}
