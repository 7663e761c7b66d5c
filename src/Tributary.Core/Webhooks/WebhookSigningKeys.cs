using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Security;

namespace Tributary.Core.Webhooks;

/// <summary>
/// The environment's webhook signing key: a random UUID v4 like Nango's, generated on first use, stored encrypted
/// with the credentials key, distinct from every API key; rotation replaces it.
/// </summary>
public sealed class WebhookSigningKeys
{
    private readonly IWebhookStore _store;
    private readonly CredentialProtector _protector;
    private readonly TimeProvider _timeProvider;

    public WebhookSigningKeys(IWebhookStore store, CredentialProtector protector, TimeProvider timeProvider)
    {
        _store = store;
        _protector = protector;
        _timeProvider = timeProvider;
    }

    /// <summary>The key, generated and stored first when the environment has none.</summary>
    public async Task<string> GetAsync(long environmentId, CancellationToken cancellationToken)
    {
        var stored = await _store.GetSigningKeyAsync(environmentId, cancellationToken)
            ?? await _store.AddSigningKeyAsync(environmentId, _protector.Protect(NewKey()), Micros.Now(_timeProvider), cancellationToken);
        return _protector.Unprotect(stored);
    }

    /// <summary>Replaces the key and returns the new one; deliveries not yet sent are signed with it.</summary>
    public async Task<string> RotateAsync(long environmentId, CancellationToken cancellationToken)
    {
        var key = NewKey();
        await _store.ReplaceSigningKeyAsync(environmentId, _protector.Protect(key), Micros.Now(_timeProvider), cancellationToken);
        return key;
    }

    private static string NewKey() => Guid.NewGuid().ToString();
}
