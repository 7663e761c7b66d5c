using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Contracts;

namespace Tributary.Client;

/// <summary>
/// A small .NET client for Tributary's (and Nango's) HTTP API, used by the CLI and the tests. Responses come back
/// as JSON nodes: the wire format is the contract, and callers read exactly the fields Nango documents.
/// </summary>
public sealed class TributaryClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsClient;

    public TributaryClient(Uri baseAddress, string secretKey, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        _ownsClient = http is null;
        _http = http ?? new HttpClient();
        _http.BaseAddress = new Uri(baseAddress.ToString().TrimEnd('/') + "/");
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
    }

    public Task<JsonNode?> TriggerAsync(JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "sync/trigger", body, null, cancellationToken);

    public Task<JsonNode?> StatusAsync(string providerConfigKey, string syncs, string? connectionId, CancellationToken cancellationToken)
    {
        var query = $"sync/status?syncs={Uri.EscapeDataString(syncs)}&provider_config_key={Uri.EscapeDataString(providerConfigKey)}"
            + (connectionId is null ? string.Empty : $"&connection_id={Uri.EscapeDataString(connectionId)}");
        return SendAsync(HttpMethod.Get, query, null, null, cancellationToken);
    }

    public Task<JsonNode?> RecordsAsync(string providerConfigKey, string connectionId, string model, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var query = $"records?model={Uri.EscapeDataString(model)}"
            + (limit is { } l ? $"&limit={l}" : string.Empty)
            + (cursor is null ? string.Empty : $"&cursor={Uri.EscapeDataString(cursor)}");
        return SendAsync(HttpMethod.Get, query, null, new() { ["Connection-Id"] = connectionId, ["Provider-Config-Key"] = providerConfigKey }, cancellationToken);
    }

    public Task<JsonNode?> CreateConnectionAsync(JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "connections", body, null, cancellationToken);

    public Task<JsonNode?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"runs/{Uri.EscapeDataString(runId)}", null, null, cancellationToken);

    /// <summary><c>GET /runs/{id}/logs</c>: a page of a run's log; with <paramref name="follow"/>, waits up to <paramref name="waitSeconds"/> for new lines.</summary>
    public Task<JsonNode?> RunLogsAsync(string runId, string? cursor, int? limit, bool follow, int? waitSeconds, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        if (cursor is not null)
        {
            query.Add($"cursor={Uri.EscapeDataString(cursor)}");
        }

        if (limit is { } l)
        {
            query.Add($"limit={l.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }

        if (follow)
        {
            query.Add("follow=true");
            if (waitSeconds is { } w)
            {
                query.Add($"wait={w.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
        }

        var path = $"runs/{Uri.EscapeDataString(runId)}/logs" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query));
        return SendAsync(HttpMethod.Get, path, null, null, cancellationToken);
    }

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, Dictionary<string, string>? headers, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = TryReadError(text);
            throw new TributaryApiException((int)response.StatusCode, error?.Error.Code ?? "http_error", error?.Error.Message ?? text, text);
        }

        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }

    private static ErrorBody? TryReadError(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ErrorBody>(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A non-2xx answer, with Nango's error code.</summary>
public sealed class TributaryApiException : Exception
{
    public TributaryApiException(int status, string code, string message, string body)
        : base($"{status} {code}: {message}")
    {
        Status = status;
        Code = code;
        Body = body;
    }

    public int Status { get; }

    public string Code { get; }

    public string Body { get; }
}
