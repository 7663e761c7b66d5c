namespace Tributary.Server.Validation;

/// <summary>
/// A validated <c>POST /sync/trigger</c>. <see cref="Reset"/> is Nango's <c>RUN_FULL</c>; <see cref="EmptyCache"/>
/// is only ever set together with <see cref="Reset"/>. An empty <see cref="Syncs"/> means every sync; a
/// <c>null</c> <see cref="ConnectionId"/> means every connection of the integration.
/// </summary>
internal sealed record TriggerCommand(
    string ProviderConfigKey,
    string? ConnectionId,
    IReadOnlyList<SyncIdentifier> Syncs,
    bool Reset,
    bool EmptyCache);
