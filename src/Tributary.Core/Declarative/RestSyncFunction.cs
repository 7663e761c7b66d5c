using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Configuration;
using Tributary.Core.Engine;
using Tributary.Sdk;
using Tributary.Sdk.Paging;

namespace Tributary.Core.Declarative;

/// <summary>
/// Runs a <c>rest:</c> sync: one request per page through the run's <see cref="SyncContext.Http"/> (credentials,
/// refresh, the provider's retries and rate limits), each page's records saved before the next page is asked for,
/// and the incremental watermark stored in the checkpoint when the whole pass succeeded.
/// </summary>
/// <remarks>
/// The watermark is saved only at the end because an API's order is not something a YAML file can promise: saved
/// per page, a page out of order would move it past records not read yet. A failed run starts over from the last
/// saved watermark; the records it saved are upserted again unchanged. Deletes come from the sync's
/// <c>track_deletes</c>, which the engine applies after a full run.
/// </remarks>
internal sealed class RestSyncFunction(RestSyncDefinition definition) : ISyncFunction
{
    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var checkpoint = await context.GetCheckpointAsync(cancellationToken) ?? [];
        var values = new RestValues(context.ConnectionConfig, context.Metadata, checkpoint);
        var watermark = new RestWatermark(definition.Incremental, checkpoint);
        var endpoint = RestRequest.Endpoint(definition, values, watermark);
        var http = RestHttp.Create(context.Http, definition.Method, RestRequest.Body(definition, values));
        try
        {
            await foreach (var page in PagesAsync(context, http, endpoint, cancellationToken).WithCancellation(cancellationToken))
            {
                var records = RestRecords.Map(definition, page.Items, page.Number);
                foreach (var item in page.Items)
                {
                    watermark.Observe(item);
                }

                if (records.Count > 0)
                {
                    await context.BatchSaveAsync(records, definition.Model, cancellationToken);
                }
            }
        }
        finally
        {
            if (!ReferenceEquals(http, context.Http))
            {
                http.Dispose();
            }
        }

        if (definition.Incremental is { } incremental && watermark.Advanced)
        {
            checkpoint[incremental.Param] = watermark.Highest;
            await context.SaveCheckpointAsync(checkpoint, cancellationToken);
        }
    }

    private IAsyncEnumerable<Page> PagesAsync(SyncContext context, HttpClient http, string endpoint, CancellationToken cancellationToken)
    {
        var options = definition.Paginated ? (definition.Pagination ?? new PaginationOptions()).WithDefaults(context.ProviderPagination) : null;
        if (options?.Type is null)
        {
            return SinglePageAsync(http, endpoint, definition.RecordsPath ?? options?.ResponsePath, cancellationToken);
        }

        options = options with { ResponsePath = definition.RecordsPath ?? options.ResponsePath };
        return FromPaginator(Paginator.PagesAsync(http, endpoint, options, cancellationToken), cancellationToken);
    }

    private static async IAsyncEnumerable<Page> FromPaginator(IAsyncEnumerable<PaginatedPage> pages, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var page in pages.WithCancellation(cancellationToken))
        {
            yield return new Page(page.Number, page.Items);
        }
    }

    /// <summary><c>paginate: none</c>, or no pagination anywhere: the endpoint answers everything at once.</summary>
    private static async IAsyncEnumerable<Page> SinglePageAsync(HttpClient http, string endpoint, string? recordsPath, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(endpoint, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{endpoint.Split('?')[0]} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
        var body = document.RootElement.Clone();
        var items = recordsPath is null ? body : JsonPath.Find(body, recordsPath)
            ?? throw new RestSyncException($"The answer of {endpoint.Split('?')[0]} has no '{recordsPath}' (rest.records).");
        yield return items.ValueKind switch
        {
            JsonValueKind.Array => new Page(1, [.. items.EnumerateArray()]),
            JsonValueKind.Null => new Page(1, []),
            _ => throw new RestSyncException($"The answer of {endpoint.Split('?')[0]} has no array at '{recordsPath ?? "the body's root"}' (set rest.records to where the records are)."),
        };
    }

    private sealed record Page(int Number, IReadOnlyList<JsonElement> Items);
}
