using Tributary.Contracts;

namespace Tributary.Client;

/// <summary>Integrations (provider configs): list, get, create, update, delete.</summary>
public sealed class IntegrationsClient
{
    private readonly ApiTransport _api;

    internal IntegrationsClient(ApiTransport api)
    {
        _api = api;
    }

    /// <summary>GET /integrations.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The environment's integrations.</returns>
    public async Task<IReadOnlyList<IntegrationResponse>> ListAsync(CancellationToken cancellationToken) =>
        (await _api.SendAsync(HttpMethod.Get, "integrations", ContractsJsonContext.Default.IntegrationListResponse, cancellationToken)).Data;

    /// <summary>GET /integrations/{key}.</summary>
    /// <param name="uniqueKey">The integration's key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The integration.</returns>
    public async Task<IntegrationResponse> GetAsync(string uniqueKey, CancellationToken cancellationToken) =>
        (await _api.SendAsync(HttpMethod.Get, $"integrations/{Query.Segment(uniqueKey)}", ContractsJsonContext.Default.IntegrationDataResponse, cancellationToken)).Data;

    /// <summary>POST /integrations.</summary>
    /// <param name="request">The provider, key and display name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new integration.</returns>
    public async Task<IntegrationResponse> CreateAsync(IntegrationRequest request, CancellationToken cancellationToken) =>
        (await _api.SendAsync(HttpMethod.Post, "integrations", ContractsJsonContext.Default.IntegrationDataResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.IntegrationRequest))).Data;

    /// <summary>PATCH /integrations/{key}.</summary>
    /// <param name="uniqueKey">The integration's current key.</param>
    /// <param name="request">The fields to change (not the provider).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The integration after the change.</returns>
    public async Task<IntegrationResponse> UpdateAsync(string uniqueKey, IntegrationRequest request, CancellationToken cancellationToken) =>
        (await _api.SendAsync(HttpMethod.Patch, $"integrations/{Query.Segment(uniqueKey)}", ContractsJsonContext.Default.IntegrationDataResponse, cancellationToken, ApiTransport.Json(request, ContractsJsonContext.Default.IntegrationRequest))).Data;

    /// <summary>DELETE /integrations/{key}.</summary>
    /// <param name="uniqueKey">The integration's key.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when it is deleted.</returns>
    public Task DeleteAsync(string uniqueKey, CancellationToken cancellationToken) =>
        _api.SendAsync(HttpMethod.Delete, $"integrations/{Query.Segment(uniqueKey)}", ContractsJsonContext.Default.SuccessResponse, cancellationToken);
}
