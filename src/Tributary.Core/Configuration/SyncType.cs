namespace Tributary.Core.Configuration;

/// <summary>How a sync treats the records it did not see in a run (Nango's deprecated <c>sync_type</c>).</summary>
public enum SyncType
{
    Incremental,
    Full,
}
