namespace Tributary.Core.Ports;

/// <summary>Schedule changes of syncs: pause/start, per-connection frequency, variants.</summary>
public interface IScheduleStore
{
    /// <summary>
    /// Pausing cancels the queued and running runs of the syncs (our fix: Nango lets a running one go on) in the
    /// same transaction; starting leaves the due time alone, so a sync whose slot passed while paused runs at once.
    /// </summary>
    Task<int> SetScheduleStateAsync(IReadOnlyList<string> syncIds, bool paused, long now, CancellationToken cancellationToken);

    /// <summary>Sets (or with null clears) the frequency override and moves the due time to the first grid point ≥ now.</summary>
    Task SetFrequencyAsync(string syncId, string? frequencyOverride, long frequencyMs, long now, CancellationToken cancellationToken);
}
