namespace Tributary.Core.Domain;

public sealed record EnvironmentInfo(long Id, string Name);

public sealed record ApiKeyInfo(long Id, long EnvironmentId, string EnvironmentName, string Name, IReadOnlyList<string> Scopes);

public sealed record Integration(
    long Id,
    long EnvironmentId,
    string UniqueKey,
    string Provider,
    string? DisplayName,
    string? BaseUrl,
    long CreatedAt,
    long UpdatedAt);

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
    bool Enabled);

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
    long UpdatedAt);

/// <summary>A sync (config × connection × variant) with its schedule, as the status API needs it.</summary>
public sealed record SyncRow(
    string Id,
    long ConnectionDbId,
    string ConnectionId,
    long SyncConfigId,
    string Name,
    string Variant,
    string? FrequencyOverride,
    string ConfigFrequency,
    long FrequencyMs,
    string ScheduleState,
    long NextDueAt,
    long? LastSyncDate,
    IReadOnlyList<string> Models);

public static class ScheduleStates
{
    public const string Started = "STARTED";
    public const string Paused = "PAUSED";
}

public static class RunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
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

public sealed record RunRow(
    long Id,
    string SyncId,
    string SyncName,
    string Variant,
    string ConnectionId,
    string ProviderConfigKey,
    string State,
    string TriggerSource,
    string? Initiator,
    bool Reset,
    bool EmptyCache,
    string? BatchId,
    int Attempt,
    long QueuedAt,
    long? StartedAt,
    long? FinishedAt,
    string? JobType,
    string? ResultJson,
    string? Error);
