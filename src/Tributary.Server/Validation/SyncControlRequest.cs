namespace Tributary.Server.Validation;

/// <summary>
/// A validated <c>POST /sync/pause</c> or <c>POST /sync/start</c>. An empty <see cref="Syncs"/> means every sync;
/// a <c>null</c> <see cref="ConnectionId"/> means every connection of the integration.
/// </summary>
internal sealed record SyncControlRequest(string ProviderConfigKey, string? ConnectionId, IReadOnlyList<SyncIdentifier> Syncs);
