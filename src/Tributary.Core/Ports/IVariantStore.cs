namespace Tributary.Core.Ports;

/// <summary>Sync variants: extra syncs of a deployed sync config on one connection, named by a variant.</summary>
public interface IVariantStore
{
    /// <summary>
    /// Creates the variant in one write transaction, checking in Nango's order: the per-sync cap, an existing
    /// variant, then the sync config (which must be enabled). The new sync is scheduled like any other:
    /// STARTED (due at once) when the config auto-starts, else PAUSED.
    /// </summary>
    Task<VariantCreation> CreateAsync(NewVariant variant, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the variant's sync with its runs (queued and running ones are cancelled first, in the same
    /// transaction, so a worker sees a lost lease) and its checkpoints. Its records stay readable.
    /// </summary>
    /// <returns>The run it moved from running to cancelled (to stop in this process; none or one), or null when there was no such variant.</returns>
    Task<IReadOnlyList<long>?> DeleteAsync(long connectionDbId, string name, string variant, long now, CancellationToken cancellationToken);
}

public sealed record NewVariant(long ConnectionDbId, long IntegrationId, string Name, string Variant, int MaxVariantsPerSync, long Now);

public enum VariantCreationStatus
{
    Created,
    Capped,
    AlreadyExists,
    UnknownSync,
}

/// <param name="SyncId">The new sync's id when <see cref="Status"/> is <see cref="VariantCreationStatus.Created"/>.</param>
public sealed record VariantCreation(VariantCreationStatus Status, string? SyncId = null);
