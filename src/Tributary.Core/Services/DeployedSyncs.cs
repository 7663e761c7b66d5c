using Tributary.Core.Domain;

namespace Tributary.Core.Services;

/// <summary>An integration and its deployed sync configs (Nango's scripts config of one integration).</summary>
public sealed record DeployedSyncs(Integration Integration, IReadOnlyList<SyncConfig> Syncs);
