using Tributary.Core.Domain;
using Tributary.Core.Ports;

namespace Tributary.Core.Engine;

/// <summary>Everything a run needs to know about what it syncs, loaded once at claim time.</summary>
internal sealed record RunTarget(
    ClaimedRun Run,
    SyncRow Sync,
    Connection Connection,
    SyncConfig Config,
    Integration Integration)
{
    public RunFence Fence => new(Run.RunId, Run.LeaseToken);

    /// <summary>The connection's credentials, read with the target (<see cref="SyncTarget.Credentials"/>); null when not read.</summary>
    public StoredCredentials? Credentials { get; init; }

    public string CheckpointKey => $"sync:{Sync.Name}:{Sync.Variant}";

    /// <summary>Nango's model full name: <c>Model</c> for the base variant, <c>Model::variant</c> otherwise.</summary>
    public string FullModelName(string model) =>
        Sync.Variant == SyncIdentifier.BaseVariant ? model : $"{model}::{Sync.Variant}";
}
