using Tributary.Contracts;

namespace Tributary.Client;

/// <summary>Cached records: one page at a time, or every page as one resumable stream.</summary>
public sealed class RecordsClient
{
    private readonly ApiTransport _api;

    internal RecordsClient(ApiTransport api)
    {
        _api = api;
    }

    /// <summary>GET /records: one page.</summary>
    /// <param name="request">The connection, model, filters and cursor.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page and the next page's cursor (null on the last).</returns>
    public Task<RecordsPage> GetPageAsync(RecordRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _api.SendAsync(
            HttpMethod.Get,
            request.Path(),
            ContractsJsonContext.Default.RecordsPage,
            cancellationToken,
            connection: new ConnectionHeaders(request.ConnectionId, request.ProviderConfigKey));
    }

    /// <summary>
    /// Every record from <paramref name="request"/>'s cursor on, page after page, fetched as they are consumed.
    /// <see cref="RecordReader.Cursor"/> is the position after the last record handed out: keep it to resume later.
    /// </summary>
    /// <param name="request">The connection, model, filters, page size and starting cursor.</param>
    /// <returns>A reader to enumerate with <c>await foreach</c>.</returns>
    public RecordReader Read(RecordRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new RecordReader(_api, request);
    }

    /// <summary>PATCH /records/prune: empties the payloads of records up to a cursor.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="request">The model, variant, cursor and limit.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>How many were pruned and whether there may be more.</returns>
    public Task<PruneResponse> PruneAsync(ConnectionHeaders connection, PruneRequest request, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Patch, "records/prune", ContractsJsonContext.Default.PruneResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.PruneRequest), connection);
}
