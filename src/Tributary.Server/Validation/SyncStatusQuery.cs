namespace Tributary.Server.Validation;

/// <summary>
/// A validated <c>GET /sync/status</c>. <see cref="AllSyncs"/> is the <c>syncs=*</c> form, in which case
/// <see cref="Syncs"/> is empty.
/// </summary>
internal sealed record SyncStatusQuery(
    string ProviderConfigKey,
    string? ConnectionId,
    bool AllSyncs,
    IReadOnlyList<SyncIdentifier> Syncs);
