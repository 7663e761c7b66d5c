using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>
/// <c>GET /records</c>: one page of records. The server writes this page by hand (each stored payload is spliced in
/// without re-serialising it); the record describes its shape for clients and the API document.
/// </summary>
/// <param name="Records">The records: each stored payload plus <c>_nango_metadata</c>.</param>
/// <param name="NextCursor">Pass it as <c>cursor</c> for the next page; null on the last.</param>
public sealed record RecordsPage(
    [property: JsonPropertyName("records")] IReadOnlyList<JsonObject> Records,
    [property: JsonPropertyName("next_cursor")] string? NextCursor);
