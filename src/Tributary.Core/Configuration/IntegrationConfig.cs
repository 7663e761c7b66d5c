namespace Tributary.Core.Configuration;

/// <summary>One integration from <c>tributary.yaml</c>.</summary>
/// <param name="UniqueKey">The integration's <c>provider_config_key</c>.</param>
/// <param name="BaseUrl">Absolute http(s) URL for the provider's HttpClient, or null for the provider's default.</param>
public sealed record IntegrationConfig(
    string UniqueKey,
    string Provider,
    string? DisplayName,
    string? BaseUrl,
    IReadOnlyList<SyncConfigDefinition> Syncs);
