namespace Tributary.Sdk;

/// <summary>
/// A sync function: pulls data from an external API and saves it into the records cache through the
/// <see cref="SyncContext"/> it is given. One instance serves one run; the engine creates it per run.
/// </summary>
/// <remarks>
/// A function must be resumable: save a checkpoint after each page it has saved, and start from
/// <see cref="SyncContext.GetCheckpointAsync"/> on the next run. A run that crashes is re-queued and
/// resumes from the last checkpoint it saved, so work between two checkpoints may be done twice; record
/// writes are idempotent (unchanged records are not rewritten), which makes that harmless.
/// </remarks>
public interface ISyncFunction
{
    /// <summary>Runs the function once. Throwing fails the run; returning completes it.</summary>
    /// <param name="context">The run's view of its connection, checkpoint and records cache.</param>
    /// <param name="cancellationToken">Cancelled when the run is cancelled, loses its lease or the worker stops.</param>
    Task RunAsync(SyncContext context, CancellationToken cancellationToken);
}
