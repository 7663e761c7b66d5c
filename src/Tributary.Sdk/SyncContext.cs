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

    /// <summary>
    /// The connection's config (Nango's <c>connection_config</c>: a Salesforce instance URL, a Zendesk subdomain…), a
    /// copy; empty when the connection has none. A declarative <c>rest:</c> sync reads <c>${connectionConfig.x}</c> here.
    /// </summary>
    public virtual JsonObject ConnectionConfig => [];

    /// <summary>An HTTP client for the provider, with the connection's credentials applied.</summary>
    public abstract HttpClient Http { get; }

    /// <summary>
    /// The provider's default pagination (its template's <c>proxy.paginate</c>), or <see langword="null"/> when the
    /// provider has none. <see cref="Paging.SyncContextPaging.PaginateAsync"/> merges a call's options over it.
    /// </summary>
    /// <exception cref="ArgumentException">The template's <c>proxy.paginate</c> has a value the SDK cannot follow.</exception>
    public virtual Paging.PaginationOptions? ProviderPagination => null;

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
    /// <exception cref="InvalidRecordsException">
    /// A record is not an object or has no valid id, or the model is not declared; nothing of the batch is written.
    /// </exception>
    public abstract Task<BatchResult> BatchSaveAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken);

    /// <summary>
    /// Merges partial records into live stored ones (objects merged deeply, arrays replaced). Ids that are
    /// not stored, or deleted, are ignored.
    /// </summary>
    public abstract Task<BatchResult> BatchUpdateAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken);

    /// <summary>Soft-deletes records by id; the last known payload is kept and readers see a DELETED change.</summary>
    public abstract Task<BatchResult> BatchDeleteAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken);

    /// <summary>
    /// Reads stored records of <paramref name="model"/> by id, deleted ones included. Ids that are not stored are
    /// absent from the result; repeated ids are read once.
    /// </summary>
    /// <returns>The records found, keyed by id.</returns>
    public abstract Task<IReadOnlyDictionary<string, CachedRecord>> GetRecordsByIdsAsync(IReadOnlyList<string> ids, string model, CancellationToken cancellationToken);

    /// <summary>
    /// Lists the stored records of <paramref name="model"/> in change order, deleted ones included, one page at a
    /// time. With a <paramref name="cursor"/> (a <see cref="RecordMetadata.Cursor"/> or a <c>next_cursor</c> of
    /// <c>GET /records</c>), only records changed after that position are listed.
    /// </summary>
    /// <exception cref="ArgumentException">The cursor is not one the cache issued.</exception>
    public abstract IAsyncEnumerable<CachedRecord> ListRecordsAsync(string model, string? cursor, CancellationToken cancellationToken);

    /// <summary>
    /// Chooses how this run's writes of <paramref name="model"/> treat records modified by someone else. Only the
    /// first call per model and run takes effect (later ones are logged and ignored). With
    /// <see cref="MergingStrategy.IgnoreIfModifiedAfter"/>, the cache's position at the time of the call is the
    /// boundary: call it at the start of the run, before reading from the provider.
    /// </summary>
    public abstract Task SetMergingStrategyAsync(MergingStrategy strategy, string model, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a deletion-detection window for <paramref name="model"/>, unless one is already open. From now on
    /// every record this sync saves (changed or not) is marked seen. The window survives failed and interrupted
    /// runs until <see cref="TrackDeletesEndAsync"/> closes it, so a full pass may span several runs.
    /// </summary>
    /// <remarks>
    /// Call it before saving records of the model in this run: an unchanged record saved before the window
    /// opened is not marked seen. Windows have no time limit.
    /// </remarks>
    public abstract Task TrackDeletesStartAsync(string model, CancellationToken cancellationToken);

    /// <summary>
    /// Closes the deletion-detection window of <paramref name="model"/>: every live record not saved since the
    /// window opened is soft-deleted (readers see a DELETED change), then the window is cleared.
    /// </summary>
    /// <returns>The ids of the records deleted.</returns>
    /// <exception cref="InvalidOperationException">No window is open for the model.</exception>
    public abstract Task<IReadOnlyList<string>> TrackDeletesEndAsync(string model, CancellationToken cancellationToken);

    /// <summary>Reads this sync's checkpoint, or <see langword="null"/> when none is stored.</summary>
    public abstract Task<JsonObject?> GetCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Saves this sync's checkpoint: a flat object of at most 16 keys whose values are strings (at most
    /// 4000 characters), numbers, booleans or dates (stored as ISO strings). Throws
    /// <see cref="CheckpointConflictException"/> when someone else saved it since this run read it.
    /// </summary>
    /// <exception cref="InvalidRecordsException">The checkpoint breaks a rule; nothing is saved.</exception>
    public abstract Task SaveCheckpointAsync(JsonObject checkpoint, CancellationToken cancellationToken);

    /// <summary>Clears this sync's checkpoint. Clearing a checkpoint that does not exist does nothing.</summary>
    public abstract Task ClearCheckpointAsync(CancellationToken cancellationToken);
}
