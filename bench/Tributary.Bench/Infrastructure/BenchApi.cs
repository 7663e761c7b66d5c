using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Bench.Infrastructure;

/// <summary>The HTTP calls the bench makes, as any Nango client would make them (bearer key, JSON bodies).</summary>
internal sealed class BenchApi : IDisposable
{
    private readonly HttpClient _http;

    public BenchApi(Uri baseUrl, string secretKey)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseCookies = false,
        };
        _http = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(120) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public Task<JsonNode> CreateConnectionAsync(string integration, string connectionId, JsonObject metadata, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "connections", new JsonObject
        {
            ["provider_config_key"] = integration,
            ["connection_id"] = connectionId,
            ["credentials"] = new JsonObject { ["type"] = "NONE" },
            ["metadata"] = metadata,
        }, cancellationToken);

    public Task<JsonNode> PatchMetadataAsync(string integration, string connectionId, JsonObject metadata, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, "connections/metadata", new JsonObject
        {
            ["provider_config_key"] = integration,
            ["connection_id"] = connectionId,
            ["metadata"] = metadata,
        }, cancellationToken);

    public Task<JsonNode> TriggerAsync(string integration, IReadOnlyList<string> syncs, string? connectionId, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["provider_config_key"] = integration,
            ["syncs"] = new JsonArray([.. syncs.Select(s => (JsonNode)JsonValue.Create(s))]),
        };
        if (connectionId is not null)
        {
            body["connection_id"] = connectionId;
        }

        return SendAsync(HttpMethod.Post, "sync/trigger", body, cancellationToken);
    }

    public Task<JsonNode> StartSchedulesAsync(string integration, IReadOnlyList<string> syncs, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "sync/start", new JsonObject
        {
            ["provider_config_key"] = integration,
            ["syncs"] = new JsonArray([.. syncs.Select(s => (JsonNode)JsonValue.Create(s))]),
        }, cancellationToken);

    /// <summary><c>PATCH /environment/webhook-settings</c> (B14 turns webhooks on, then off again).</summary>
    public Task<JsonNode> PatchWebhookSettingsAsync(JsonObject settings, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, "environment/webhook-settings", settings, cancellationToken);

    public Task<JsonNode> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"runs/{runId}", null, cancellationToken);

    public Task<JsonNode> CancelRunAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"runs/{runId}/cancel", null, cancellationToken);

    /// <summary>
    /// Polls a run until it reaches a final state: first every <paramref name="firstInterval"/>, doubling up to
    /// <paramref name="maxInterval"/>, so that a short run is seen at once and a long one does not load the server
    /// under test with polls.
    /// </summary>
    public async Task<JsonNode> WaitForRunAsync(string runId, TimeSpan timeout, TimeSpan firstInterval, TimeSpan maxInterval, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var interval = firstInterval;
        while (true)
        {
            var run = await GetRunAsync(runId, deadline.Token);
            if ((string?)run["state"] is "succeeded" or "failed" or "cancelled")
            {
                return run;
            }

            await Task.Delay(interval, TimeProvider.System, deadline.Token);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, maxInterval.Ticks));
        }
    }

    /// <summary>One page of <c>GET /records</c> as raw bytes (the bench keeps its own parsing off the timed path).</summary>
    public async Task<byte[]> GetRecordsPageAsync(string integration, string connectionId, string model, int limit, string? cursor, CancellationToken cancellationToken)
    {
        var uri = new StringBuilder("records?model=").Append(Uri.EscapeDataString(model)).Append("&limit=").Append(limit);
        if (cursor is not null)
        {
            uri.Append("&cursor=").Append(Uri.EscapeDataString(cursor));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, uri.ToString());
        request.Headers.Add("Connection-Id", connectionId);
        request.Headers.Add("Provider-Config-Key", integration);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET /records answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        }

        return body;
    }

    /// <summary>Any GET on an absolute URI with this client's pool (the bare endpoint in B8).</summary>
    public async Task<byte[]> GetBytesAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(uri, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        response.EnsureSuccessStatusCode();
        return body;
    }

    /// <summary><c>GET /proxy/{endpoint}</c> to <paramref name="baseUrl"/> (<c>Base-Url-Override</c>), the answer read to its end (B15).</summary>
    public async Task<byte[]> ProxyGetAsync(string integration, string connectionId, Uri baseUrl, string endpoint, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "proxy/" + endpoint);
        request.Headers.Add("Connection-Id", connectionId);
        request.Headers.Add("Provider-Config-Key", integration);
        request.Headers.Add("Base-Url-Override", baseUrl.AbsoluteUri);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET /proxy/{endpoint} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        }

        return body;
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{method} /{path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text) ?? new JsonObject();
    }
}
