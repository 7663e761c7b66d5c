using System.Text.Json.Nodes;
using Tributary.Core.Credentials;
using Tributary.Core.Engine;
using Tributary.Core.Errors;
using Tributary.Core.Ports;

namespace Tributary.Core.Services;

/// <summary>
/// The provider side of Nango's <c>/proxy</c>: finds the integration and connection, makes the credentials fresh
/// (refreshed within the provider's buffer; once more after a 401, by the pipeline), builds the upstream URL
/// (reference §C.3) and hands out the provider pipeline the call goes through.
/// </summary>
public sealed class ProxyService
{
    private readonly IIntegrationStore _integrations;
    private readonly IConnectionStore _connections;
    private readonly ConnectionCredentials _credentials;
    private readonly ProviderHttpClientFactory _pipelines;
    private readonly ProxyTargets _targets;

    public ProxyService(IIntegrationStore integrations, IConnectionStore connections, ConnectionCredentials credentials, ProviderHttpClientFactory pipelines, ProxyTargets targets)
    {
        _integrations = integrations;
        _connections = connections;
        _credentials = credentials;
        _pipelines = pipelines;
        _targets = targets;
    }

    /// <param name="endpoint">The path and query after <c>/proxy</c>.</param>
    /// <param name="baseUrlOverride">The <c>Base-Url-Override</c> header; null or empty for the provider's.</param>
    public async Task<ProxyCall> OpenAsync(Tenant tenant, string providerConfigKey, string connectionId, string endpoint, string? baseUrlOverride, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var target = _targets.TryGet(tenant.EnvironmentId, providerConfigKey, connectionId, out var kept) && !_credentials.IsDueForRefresh(kept.Credentials)
            ? kept
            : await ResolveAsync(tenant, providerConfigKey, connectionId, cancellationToken);
        var credentials = target.Credentials;
        var baseUrl = string.IsNullOrEmpty(baseUrlOverride)
            ? CredentialApplier.BaseUrl(credentials, target.Integration.BaseUrl)
            : Uri.TryCreate(baseUrlOverride, UriKind.Absolute, out var given) && given.Scheme is "http" or "https" ? given
            : throw new InvalidInputException("invalid_base_url_override", "Base-Url-Override must be an absolute http(s) URL.");
        if (baseUrl is null)
        {
            // Nango's code for a provider without proxy.base_url (its missing_api_url is an empty endpoint, which a
            // route cannot have); the message says what to do about it.
            throw new InvalidInputException(
                "unsupported_provider",
                $"The provider of integration '{providerConfigKey}' has no API base URL: set the integration's base_url or send Base-Url-Override.");
        }

        return new ProxyCall(Join(baseUrl, endpoint), _pipelines.CreateInvoker(credentials, applied: target.Applied));
    }

    /// <summary>The integration, connection and fresh credentials from the database (three reads), kept for the next calls.</summary>
    private async Task<ProxyTarget> ResolveAsync(Tenant tenant, string providerConfigKey, string connectionId, CancellationToken cancellationToken)
    {
        var generation = _targets.Generation;
        var integration = await _integrations.GetAsync(tenant.EnvironmentId, providerConfigKey, cancellationToken)
            ?? throw new NotFoundException(
                "unknown_provider_config",
                "Provider config not found for the given provider config key. Please make sure the provider config exists in the Nango dashboard.");
        var connection = await _connections.GetAsync(tenant.EnvironmentId, connectionId, providerConfigKey, cancellationToken)
            ?? throw new InvalidInputException("unknown_connection", "Failed to get connection", new JsonObject { ["connectionId"] = connectionId, ["providerConfigKey"] = providerConfigKey });
        FreshCredentials credentials;
        try
        {
            credentials = await _credentials.GetAsync(connection.Id, CredentialDemand.Fresh, cancellationToken);
        }
        catch (ConnectionRefreshException ex) when (ex.InBackoff)
        {
            // Nango's answer while a failed refresh cools down: 424, the caller may try again shortly.
            throw new DependencyFailedException("connection_refresh_backoff", ex.Message);
        }
        catch (ConnectionRefreshException ex)
        {
            // The message says what the provider answered and never carries a token (ConnectionCredentials cuts them out).
            throw new InvalidInputException("server_error", $"Failed to get connection credentials: '{ex.Message}'");
        }

        // Concurrent calls share a kept target and only read it: every lazily parsed JSON node is built here, first.
        Materialize(credentials.Credentials);
        Materialize(credentials.ConnectionConfig);
        var target = new ProxyTarget(integration, connection, credentials, CredentialApplier.Compute(credentials));
        _targets.Keep(tenant.EnvironmentId, providerConfigKey, connectionId, target, generation);
        return target;
    }

    private static void Materialize(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    Materialize(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Materialize(item);
                }

                break;
        }
    }

    /// <summary>Nango's join: base without its trailing <c>/</c>, endpoint without its leading <c>/</c>, a base the endpoint repeats cut.</summary>
    internal static Uri Join(Uri baseUrl, string endpoint)
    {
        var root = baseUrl.AbsoluteUri.TrimEnd('/');
        var rest = endpoint.TrimStart('/');
        var rootWithoutScheme = root[(root.IndexOf("://", StringComparison.Ordinal) + 3)..];
        if (rest.StartsWith(rootWithoutScheme, StringComparison.OrdinalIgnoreCase)
            && (rest.Length == rootWithoutScheme.Length || rest[rootWithoutScheme.Length] is '/' or '?' or '#'))
        {
            rest = rest[rootWithoutScheme.Length..].TrimStart('/');
        }

        return new Uri(rest.Length == 0 ? root : rest[0] == '?' ? root + rest : $"{root}/{rest}");
    }
}

/// <summary>One proxy call: where it goes and the pipeline (credentials, retries) it goes through; dispose after the answer is copied.</summary>
public sealed record ProxyCall(Uri Url, HttpMessageInvoker Pipeline) : IDisposable
{
    public void Dispose() => Pipeline.Dispose();
}
