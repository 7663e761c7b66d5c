using System.Text.Json.Nodes;
using Tributary.Sdk.Paging;

namespace Tributary.Core.Configuration;

/// <summary>
/// A sync that runs without code: the <c>rest:</c> block of a sync in <c>tributary.yaml</c>. The engine runs it with
/// <see cref="Declarative.RestSyncFunction"/>, through the run's <c>SyncContext.Http</c> (credentials, refresh, the
/// provider's retry and rate-limit policy).
/// </summary>
/// <param name="Path">The endpoint, relative to the integration's base URL; may hold <c>${…}</c> placeholders.</param>
/// <param name="Method">GET or POST.</param>
/// <param name="Query">Fixed query parameters (values may hold placeholders), in file order.</param>
/// <param name="Body">The JSON body of a POST (string values may hold placeholders), or null.</param>
/// <param name="Pagination">This sync's pagination settings over the provider's <c>proxy.paginate</c>; null to take the provider's as is.</param>
/// <param name="Paginated">False for <c>paginate: none</c>: one request, whatever the provider's default.</param>
/// <param name="RecordsPath">Dotted path of the records array in the body; null for the body itself (or the pagination's <c>response_path</c>).</param>
/// <param name="IdField">Dotted path of each record's id.</param>
/// <param name="Model">The model the records are saved as.</param>
/// <param name="Fields">The fields kept (renamed when the name differs from the source); empty keeps the whole record.</param>
/// <param name="Incremental">The watermark sent back on the next run, or null for a sync that reads everything each run.</param>
public sealed record RestSyncDefinition(
    string Path,
    string Method,
    IReadOnlyList<KeyValuePair<string, string>> Query,
    JsonNode? Body,
    PaginationOptions? Pagination,
    bool Paginated,
    string? RecordsPath,
    string IdField,
    string Model,
    IReadOnlyList<RestField> Fields,
    RestIncremental? Incremental);

/// <summary>A field of the saved record: <paramref name="Name"/> takes the value at <paramref name="Source"/> (a dotted path).</summary>
public sealed record RestField(string Name, string Source);

/// <summary>
/// Incremental state: the highest value of <paramref name="Field"/> seen is stored in the checkpoint under
/// <paramref name="Param"/> and sent as the query parameter <paramref name="Param"/> on the next run, less
/// <paramref name="Lookback"/> when the value is a timestamp (late writes with an older timestamp are read again).
/// </summary>
public sealed record RestIncremental(string Field, string Param, TimeSpan Lookback);
