using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Tributary.Sdk;

/// <summary>
/// What a sync function sees of the engine during one run: its connection, the records cache, its
/// checkpoint, an authenticated <see cref="HttpClient"/> and a logger.
/// </summary>
/// <remarks>
/// Every write (records, checkpoint) carries the run's lease: once the run has lost its lease (it was
/// cancelled, reset, or its worker stalled past the lease), every write throws
/// <see cref="LeaseLostException"/> and nothing is written, so a stale run can never overwrite its successor.
/// </remarks>
public abstract class SyncContext
{
    /// <summary>The public id of the connection this run syncs.</summary>
    public abstract string ConnectionId { get; }

    /// <summary>The integration's unique key (Nango's <c>provider_config_key</c>).</summary>
    public abstract string ProviderConfigKey { get; }

    /// <summary>The provider of the integration, e.g. <c>sample-data</c>.</summary>
    public abstract string Provider { get; }

    /// <summary>The sync's name.</summary>
    public abstract string SyncName { get; }

    /// <summary>The sync's variant; <c>base</c> unless a variant was created.</summary>
    public abstract string Variant { get; }

    /// <summary>The run's id, as the runs API shows it.</summary>
    public abstract string RunId { get; }

    /// <summary>
    /// Start time of the last successful run, or <see langword="null"/> on a first run or after a reset.
    /// Prefer checkpoints; this is kept for functions ported from Nango's <c>lastSyncDate</c>.
    /// </summary>
    public abstract DateTimeOffset? LastSyncDate { get; }

    /// <summary>The models this sync declares; records of other models are refused.</summary>
    public abstract IReadOnlyList<string> Models { get; }

    /// <summary>The connection's metadata (a copy; changing it changes nothing stored).</summary>
    public abstract JsonObject Metadata { get; }

    /// <summary>An HTTP client for the provider, with the connection's credentials applied.</summary>
    public abstract HttpClient Http { get; }

    /// <summary>The run's logger.</summary>
    public abstract ILogger Logger { get; }

    /// <summary>The clock; use it instead of the system clock so that tests control time.</summary>
    public abstract TimeProvider TimeProvider { get; }

    /// <summary>Cancelled when the run is cancelled, loses its lease, or the worker shuts down.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>
    /// Saves (inserts or updates) records of <paramref name="model"/>. Each record must serialize to a JSON
    /// object with an <c>id</c> (a string of 1–255 characters, or a number). Records whose content did
    /// not change are not rewritten and do not move the change cursor.
    /// </summary>
    /// <typeparam name="T">Any type that System.Text.Json serializes to an object (POCOs, <see cref="JsonObject"/>).</typeparam>
    /// <returns>What the batch changed.</returns>
    public abstract Task<BatchResult> BatchSaveAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken);

    /// <summary>
    /// Merges partial records into live stored ones (objects merged deeply, arrays replaced). Ids that are
    /// not stored, or deleted, are ignored.
    /// </summary>
    public abstract Task<BatchResult> BatchUpdateAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken);

    /// <summary>Soft-deletes records by id; the last known payload is kept and readers see a DELETED change.</summary>
    public abstract Task<BatchResult> BatchDeleteAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken);

    /// <summary>Reads this sync's checkpoint, or <see langword="null"/> when none is stored.</summary>
    public abstract Task<JsonObject?> GetCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Saves this sync's checkpoint: a flat object of at most 16 keys whose values are strings (at most
    /// 4000 characters), numbers or booleans. Throws <see cref="CheckpointConflictException"/> when someone
    /// else saved it since this run read it.
    /// </summary>
    public abstract Task SaveCheckpointAsync(JsonObject checkpoint, CancellationToken cancellationToken);

    /// <summary>Clears this sync's checkpoint. Clearing a checkpoint that does not exist does nothing.</summary>
    public abstract Task ClearCheckpointAsync(CancellationToken cancellationToken);
}
