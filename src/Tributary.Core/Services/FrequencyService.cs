using Tributary.Core.Domain;
using Tributary.Core.Errors;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>A per-connection frequency override of one sync (or going back to its sync config's frequency).</summary>
public sealed class FrequencyService
{
    private readonly IConnectionStore _connections;
    private readonly ISyncStore _syncs;
    private readonly IIntegrationStore _integrations;
    private readonly TimeProvider _timeProvider;

    public FrequencyService(IConnectionStore connections, ISyncStore syncs, IIntegrationStore integrations, TimeProvider timeProvider)
    {
        _connections = connections;
        _syncs = syncs;
        _integrations = integrations;
        _timeProvider = timeProvider;
    }

    /// <param name="resolve">
    /// Turns the requested frequency into its interval and the text to answer with, or throws the request's error;
    /// it is called only once the connection and the sync are known (Nango's order of errors).
    /// </param>
    /// <returns>The frequency now in force, as Nango answers it.</returns>
    public async Task<string> SetAsync(Tenant tenant, FrequencyChange change, Func<string, ResolvedFrequency> resolve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(resolve);

        // Nango answers both misses with a bare code and no message.
        var connection = await _connections.GetAsync(tenant.EnvironmentId, change.ConnectionId, change.ProviderConfigKey, cancellationToken)
            ?? throw NangoErrors.UnknownConnectionCode();
        var syncs = await _syncs.GetSyncsAsync(connection.Id, cancellationToken);
        var sync = syncs.FirstOrDefault(s => s.Name == change.SyncName && s.Variant == change.Variant)
            ?? throw NangoErrors.UnknownSync();

        ResolvedFrequency resolved;
        if (change.Frequency is { Length: > 0 } frequency)
        {
            resolved = resolve(frequency);
        }
        else
        {
            // Back to the sync config's own frequency, answered as written in the configuration.
            var configs = await _integrations.GetSyncConfigsAsync(connection.IntegrationId, cancellationToken);
            var config = configs.FirstOrDefault(c => c.Id == sync.SyncConfigId);
            if (config is null || string.IsNullOrEmpty(config.Frequency))
            {
                throw NangoErrors.UnknownSync();
            }

            resolved = new ResolvedFrequency(config.FrequencyMs, config.Frequency);
        }

        await _syncs.SetFrequencyAsync(
            sync.Id, change.Frequency is { Length: > 0 } ? change.Frequency : null, resolved.FrequencyMs, Micros.Now(_timeProvider), cancellationToken);
        return resolved.Answer;
    }
}

/// <param name="Frequency">The new frequency; null or empty goes back to the sync config's.</param>
public sealed record FrequencyChange(string ProviderConfigKey, string ConnectionId, string SyncName, string Variant, string? Frequency);

/// <summary>A frequency's interval in milliseconds and the text Nango answers with.</summary>
public sealed record ResolvedFrequency(long FrequencyMs, string Answer);
