using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Core.Logs;
using Tributary.Core.Telemetry;

namespace Tributary.Core.Engine;

/// <summary>
/// Builds the provider <see cref="HttpClient"/> a run sees: the integration's base URL and the connection's
/// credentials as headers. One shared handler keeps connection pooling across runs; each client puts a
/// <see cref="ProviderCallHandler"/> in front of it, which logs every call to the run's log and counts it.
/// </summary>
public sealed class ProviderHttpClientFactory : IDisposable
{
    private readonly SocketsHttpHandler _handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    public HttpClient Create(string? baseUrl, string credentialsJson, RunLog? log = null, TributaryMetrics? metrics = null)
    {
        // Not disposed with the client: disposing the per-run handler would dispose the shared one behind it.
        var client = new HttpClient(new ProviderCallHandler(_handler, log, metrics), disposeHandler: false);
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
