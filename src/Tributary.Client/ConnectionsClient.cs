using System.Runtime.CompilerServices;
using Tributary.Contracts;

namespace Tributary.Client;

/// <summary>Connections: list, get, import, delete, and their metadata.</summary>
public sealed class ConnectionsClient
{
    private readonly ApiTransport _api;

    internal ConnectionsClient(ApiTransport api)
    {
        _api = api;
    }

    /// <summary>GET /connections: one page.</summary>
    /// <param name="query">Filters, page size and cursor; null for the first page of all connections.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page and the next page's cursor.</returns>
    public Task<ConnectionListResponse> ListAsync(ConnectionListQuery? query, CancellationToken cancellationToken)
    {
        var path = new Query("connections").Add("connectionId", query?.ConnectionId).Add("integrationId", query?.IntegrationId)
            .Add("search", query?.Search).Add("endUserId", query?.EndUserId).Add("endUserOrganizationId", query?.EndUserOrganizationId)
            .Add("limit", query?.Limit).Add("page", query?.Page).Add("cursor", query?.Cursor);
        return _api.SendAsync(HttpMethod.Get, path.ToString(), ContractsJsonContext.Default.ConnectionListResponse, cancellationToken);
    }

    /// <summary>Every connection matching <paramref name="query"/>, page after page.</summary>
    /// <param name="query">Filters and page size; null for all connections.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The connections.</returns>
    public async IAsyncEnumerable<ConnectionListItem> ListAllAsync(ConnectionListQuery? query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Pages follow the cursor; a page number would skip rows on top of it (the server refuses the pair).
        if (query?.Page is not null)
        {
            throw new ArgumentException("ListAllAsync pages by cursor: leave Page unset.", nameof(query));
        }

        var next = query ?? new ConnectionListQuery(null, null, null, null);
        while (true)
        {
            var page = await ListAsync(next, cancellationToken);
            foreach (var connection in page.Connections)
            {
                yield return connection;
            }

            if (page.NextCursor is null || page.Connections.Count == 0)
            {
                yield break;
            }

            next = next with { Cursor = page.NextCursor };
        }
    }

    /// <summary>GET /connections/{connectionId}.</summary>
    /// <param name="connectionId">The connection's id.</param>
    /// <param name="providerConfigKey">Its integration.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The connection with its credentials.</returns>
    public Task<ConnectionResponse> GetAsync(string connectionId, string providerConfigKey, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Get, Target(connectionId, providerConfigKey), ContractsJsonContext.Default.ConnectionResponse, cancellationToken);

    /// <summary>POST /connections: imports a connection with its credentials.</summary>
    /// <param name="request">The integration, id, credentials and metadata.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new connection.</returns>
    public Task<ConnectionResponse> CreateAsync(ConnectionCreateRequest request, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Post, "connections", ContractsJsonContext.Default.ConnectionResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.ConnectionCreateRequest));

    /// <summary>DELETE /connections/{connectionId}: the connection, its syncs and its records.</summary>
    /// <param name="connectionId">The connection's id.</param>
    /// <param name="providerConfigKey">Its integration.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when it is deleted.</returns>
    public Task DeleteAsync(string connectionId, string providerConfigKey, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Delete, Target(connectionId, providerConfigKey), ContractsJsonContext.Default.SuccessResponse, cancellationToken);

    /// <summary>POST /connections/metadata: replaces the metadata of one or more connections.</summary>
    /// <param name="request">The connection id(s), integration and metadata.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What was set.</returns>
    public Task<MetadataResponse> SetMetadataAsync(MetadataRequest request, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Post, "connections/metadata", ContractsJsonContext.Default.MetadataResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.MetadataRequest));

    /// <summary>PATCH /connections/metadata: merges into the metadata of one or more connections.</summary>
    /// <param name="request">The connection id(s), integration and metadata to merge.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What was merged.</returns>
    public Task<MetadataResponse> UpdateMetadataAsync(MetadataRequest request, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Patch, "connections/metadata", ContractsJsonContext.Default.MetadataResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.MetadataRequest));

    private static string Target(string connectionId, string providerConfigKey) =>
        new Query($"connections/{Query.Segment(connectionId)}").Add("provider_config_key", providerConfigKey).ToString();
}
