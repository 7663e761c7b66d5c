using System.Text.Json.Nodes;

namespace Tributary.Sdk;

/// <summary>A record as the records cache holds it, read back inside a sync function.</summary>
/// <param name="Id">The record's id, always a string (numeric ids are stored as strings).</param>
/// <param name="Payload">
/// The stored payload, a copy the caller may change. A pruned record (see <see cref="RecordMetadata.PrunedAt"/>)
/// has only its <c>id</c> left.
/// </param>
/// <param name="Metadata">What <c>GET /records</c> returns as <c>_nango_metadata</c>.</param>
public sealed record CachedRecord(string Id, JsonObject Payload, RecordMetadata Metadata);

/// <summary>A record's change metadata, as Nango's <c>_nango_metadata</c>.</summary>
/// <param name="FirstSeenAt">When the record was added, or added again after a delete.</param>
/// <param name="LastModifiedAt">When its content or deletion state last changed.</param>
/// <param name="LastAction">The last change that moved it in the change stream.</param>
/// <param name="DeletedAt">When it was soft-deleted, or <see langword="null"/> for a live record.</param>
/// <param name="PrunedAt">When its payload was pruned, or <see langword="null"/> when the payload is stored.</param>
/// <param name="Cursor">Its position in the change stream; pass it to <see cref="SyncContext.ListRecordsAsync"/> or <c>GET /records</c>.</param>
public sealed record RecordMetadata(
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastModifiedAt,
    RecordAction LastAction,
    DateTimeOffset? DeletedAt,
    DateTimeOffset? PrunedAt,
    string Cursor);

/// <summary>The last change of a record, as Nango's <c>last_action</c>.</summary>
public enum RecordAction
{
    /// <summary>New, or saved again after a delete.</summary>
    Added,

    /// <summary>Its content changed.</summary>
    Updated,

    /// <summary>Soft-deleted; the last known payload is kept.</summary>
    Deleted,
}

/// <summary>How record writes of a model treat records that someone else modified during the run.</summary>
public enum MergingStrategy
{
    /// <summary>Writes always apply (the default).</summary>
    Override,

    /// <summary>
    /// Writes skip records that another writer (another run, e.g. a webhook function) modified after the strategy
    /// was set; the run's own writes never block it. Skipped records count as unchanged.
    /// </summary>
    IgnoreIfModifiedAfter,
}
