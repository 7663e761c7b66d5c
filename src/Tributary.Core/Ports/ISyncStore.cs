using Tributary.Core.Domain;

namespace Tributary.Core.Ports;

/// <summary>Syncs (config × connection × variant): reads, and their schedule writes (pause/start, frequency).</summary>
public interface ISyncStore
{
    /// <summary>The enabled syncs of one connection.</summary>
    Task<IReadOnlyList<SyncRow>> GetSyncsAsync(long connectionDbId, CancellationToken cancellationToken);

    /// <summary>
    /// Every sync of the integration across its connections; optionally only the given identifiers. A
    /// <paramref name="limit"/> bounds the rows read before the variants are matched (the caller's cap, not a page).
    /// </summary>
    Task<IReadOnlyList<SyncRow>> GetSyncsOfIntegrationAsync(long integrationId, IReadOnlyList<SyncIdentifier>? only, int? limit, CancellationToken cancellationToken);

    /// <summary>A sync with its connection, integration and sync config, in one round trip; null when any is gone.</summary>
    Task<SyncTarget?> GetSyncTargetAsync(string syncId, CancellationToken cancellationToken);

    /// <summary>
    /// Pausing cancels the queued and running runs of the syncs (our fix: Nango lets a running one go on) in the
    /// same transaction; starting leaves the due time alone, so a sync whose slot passed while paused runs at once.
    /// </summary>
    Task<ScheduleStateChange> SetScheduleStateAsync(IReadOnlyList<string> syncIds, bool paused, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Starts the schedules of every enabled sync of an integration (only the (name, variant) pairs of
    /// <paramref name="syncs"/> when given, as Nango filters them), set-based, without reading them first; how many
    /// changed, or null when no sync matched (a pair that matches nothing is ignored when another matched). Large starts
    /// commit in chunks: <paramref name="chunkStarted"/> runs after each chunk that started something committed, so
    /// that the scheduler can begin while the rest are started, and go on as each further chunk is committed.
    /// </summary>
    Task<int?> StartSchedulesOfIntegrationAsync(
        long integrationId,
        IReadOnlyList<SyncIdentifier>? syncs,
        Func<CancellationToken, Task> chunkStarted,
        CancellationToken cancellationToken);

    /// <summary>Sets (or with null clears) the frequency override and moves the due time to the first grid point ≥ now.</summary>
    Task SetFrequencyAsync(string syncId, string? frequencyOverride, long frequencyMs, long now, CancellationToken cancellationToken);
}

/// <summary>What a run syncs: the sync and everything it belongs to.</summary>
public sealed record SyncTarget(SyncRow Sync, Connection Connection, Integration Integration, SyncConfig Config)
{
    /// <summary>
    /// The connection's credentials as <see cref="Credentials.ConnectionCredentials"/> reads them, read with the target
    /// so that a run needs no read of its own for them; null when the store does not read them.
    /// </summary>
    public StoredCredentials? Credentials { get; init; }
}

/// <summary>What a pause or start changed.</summary>
/// <param name="Changed">How many schedules changed state.</param>
/// <param name="StoppedRunIds">The runs a pause moved from running to cancelled: the ones to stop in this process.</param>
public sealed record ScheduleStateChange(int Changed, IReadOnlyList<long> StoppedRunIds);
