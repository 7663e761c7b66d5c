namespace Tributary.Server.Validation;

/// <summary>
/// A validated <c>PUT /sync/update-connection-frequency</c>. <see cref="Frequency"/> is the raw text as sent
/// (it is what gets stored); <c>null</c> asks to go back to the sync config's own frequency.
/// </summary>
internal sealed record FrequencyUpdateRequest(
    string SyncName,
    string SyncVariant,
    string ProviderConfigKey,
    string ConnectionId,
    string? Frequency);
