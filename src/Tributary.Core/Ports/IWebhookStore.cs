using Tributary.Core.Webhooks;

namespace Tributary.Core.Ports;

/// <summary>An environment's webhook settings and signing key (one row per environment, created on first write).</summary>
public interface IWebhookStore
{
    /// <summary>The settings, or Nango's defaults for a new environment when none were written.</summary>
    Task<WebhookSettings> GetSettingsAsync(long environmentId, CancellationToken cancellationToken);

    /// <summary>Applies the fields given (null leaves a field as it is) and returns the settings after the change.</summary>
    Task<WebhookSettings> UpdateSettingsAsync(long environmentId, WebhookSettingsPatch patch, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Applies tributary.yaml's <c>webhooks:</c> at deploy: the fields given, and <paramref name="pinned"/> (the fields the
    /// file gives) replaces the pinned set, so a field the file no longer names goes back to the API.
    /// </summary>
    Task<WebhookSettings> ApplyConfiguredAsync(long environmentId, WebhookSettingsPatch patch, IReadOnlyList<string> pinned, long now, CancellationToken cancellationToken);

    /// <summary>The encrypted signing key, or null when the environment has none yet.</summary>
    Task<byte[]?> GetSigningKeyAsync(long environmentId, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="encrypted"/> unless a key is already stored, and returns the key stored now (first writer wins).</summary>
    Task<byte[]> AddSigningKeyAsync(long environmentId, byte[] encrypted, long now, CancellationToken cancellationToken);

    /// <summary>The environment's name (what Nango's auth webhooks call <c>environment</c>), or null when unknown.</summary>
    Task<string?> GetEnvironmentNameAsync(long environmentId, CancellationToken cancellationToken);

    /// <summary>Replaces the signing key.</summary>
    Task ReplaceSigningKeyAsync(long environmentId, byte[] encrypted, long now, CancellationToken cancellationToken);
}
