namespace Tributary.Core.Configuration;

/// <summary>One integration from <c>tributary.yaml</c>.</summary>
/// <param name="UniqueKey">The integration's <c>provider_config_key</c>.</param>
/// <param name="BaseUrl">Absolute http(s) URL for the provider's HttpClient, or null for the provider's default.</param>
public sealed record IntegrationConfig(
    string UniqueKey,
    string Provider,
    string? DisplayName,
    string? BaseUrl,
    IReadOnlyList<SyncConfigDefinition> Syncs)
{
    /// <summary>The integration's OAuth app (<c>client_id</c>, a secret reference, <c>scopes</c>); null when the file names none.</summary>
    public OAuthClientConfig? OAuthClient { get; init; }
}

/// <summary>An OAuth app as tributary.yaml gives it: the secret is never in the file, only where to find it.</summary>
public sealed record OAuthClientConfig(string ClientId, SecretReference? Secret, IReadOnlyList<string> Scopes);

/// <summary>
/// Where a secret lives: an environment variable (<c>client_secret_env</c>) or a file (<c>client_secret_file</c>,
/// its content with surrounding whitespace trimmed). <paramref name="Line"/> and <paramref name="Path"/> locate the
/// reference, so a missing secret is reported as a file:line error.
/// </summary>
public sealed record SecretReference(string? EnvironmentVariable, string? FilePath, int Line, string Path);
