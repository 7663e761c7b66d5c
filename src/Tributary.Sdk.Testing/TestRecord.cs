using System.Text.Json.Nodes;

namespace Tributary.Sdk.Testing;

/// <summary>A record as <see cref="TestSyncContext"/> holds it, with the metadata the records cache would give it.</summary>
/// <param name="Id">The record's id, always a string (a numeric id is stored as a string, as the cache does).</param>
/// <param name="Payload">A copy of the stored payload.</param>
/// <param name="Json">The payload's JSON exactly as stored; equal JSON means unchanged content.</param>
/// <param name="Metadata">Its change metadata, as <c>GET /records</c> shows it in <c>_nango_metadata</c>.</param>
public sealed record TestRecord(string Id, JsonObject Payload, string Json, RecordMetadata Metadata)
{
    /// <summary>Whether the record is soft-deleted (its last known payload is kept).</summary>
    public bool IsDeleted => Metadata.DeletedAt is not null;
}
