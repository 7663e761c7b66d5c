using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Core.Engine;

/// <summary>
/// Builds the provider <see cref="HttpClient"/> a run sees: the integration's base URL and the connection's
/// credentials as headers. One shared handler keeps connection pooling across runs.
/// </summary>
public sealed class ProviderHttpClientFactory : IDisposable
{
    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    public HttpClient Create(string? baseUrl, string credentialsJson)
    {
        var client = new HttpClient(_handler, disposeHandler: false);
        if (!string.IsNullOrEmpty(baseUrl))
        {
            client.BaseAddress = new Uri(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");
        }

        if (JsonNode.Parse(credentialsJson) is JsonObject credentials)
        {
            client.DefaultRequestHeaders.Authorization = (string?)credentials["type"] switch
            {
                "API_KEY" => new AuthenticationHeaderValue("Bearer", (string?)credentials["apiKey"]),
                "OAUTH2" => new AuthenticationHeaderValue("Bearer", (string?)credentials["access_token"]),
                "BASIC" => new AuthenticationHeaderValue(
                    "Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{(string?)credentials["username"]}:{(string?)credentials["password"]}"))),
                _ => null,
            };
        }

        return client;
    }

    public void Dispose() => _handler.Dispose();
}
