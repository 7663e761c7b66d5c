using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Client;

/// <summary>
/// The untyped layer: any request, answered as a JSON node. Conformance tests use it to send exactly the bytes Nango's
/// clients send (unknown fields, wrong types) and read exactly the fields Nango documents.
/// </summary>
public sealed partial class TributaryClient
{
    /// <summary>POST /sync/trigger with a raw body.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer as JSON.</returns>
    public Task<JsonNode?> TriggerAsync(JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "sync/trigger", body, null, cancellationToken);

    /// <summary>GET /sync/status, answered as JSON.</summary>
    /// <param name="providerConfigKey">The integration.</param>
    /// <param name="syncs">"*" or a comma list of names.</param>
    /// <param name="connectionId">One connection, or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer as JSON.</returns>
    public Task<JsonNode?> StatusAsync(string providerConfigKey, string syncs, string? connectionId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, new Query("sync/status").Add("syncs", syncs).Add("provider_config_key", providerConfigKey).Add("connection_id", connectionId).ToString(), null, null, cancellationToken);

    /// <summary>GET /records (one page), answered as JSON.</summary>
    /// <param name="providerConfigKey">The integration.</param>
    /// <param name="connectionId">The connection.</param>
    /// <param name="model">The model.</param>
    /// <param name="cursor">The previous page's next_cursor, or null.</param>
    /// <param name="limit">Records per page, or null for the server's default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer as JSON.</returns>
    public Task<JsonNode?> RecordsAsync(string providerConfigKey, string connectionId, string model, string? cursor, int? limit, CancellationToken cancellationToken) =>
        SendAsync(
            HttpMethod.Get,
            new Query("records").Add("model", model).Add("limit", limit).Add("cursor", cursor).ToString(),
            null,
            new() { ["Connection-Id"] = connectionId, ["Provider-Config-Key"] = providerConfigKey },
            cancellationToken);

    /// <summary>POST /connections with a raw body.</summary>
    /// <param name="body">The request body.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer as JSON.</returns>
    public Task<JsonNode?> CreateConnectionAsync(JsonObject body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "connections", body, null, cancellationToken);

    /// <summary>GET /runs/{id}, answered as JSON.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer as JSON.</returns>
    public Task<JsonNode?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"runs/{Query.Segment(runId)}", null, null, cancellationToken);

    /// <summary><c>GET /runs/{id}/logs</c>: a page of a run's log; with <paramref name="follow"/>, waits up to <paramref name="waitSeconds"/> for new lines.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cursor">The last line id already read, or null for the first page.</param>
    /// <param name="limit">Lines per page, or null for the server's default.</param>
    /// <param name="follow">Whether to wait for new lines of a running run.</param>
    /// <param name="waitSeconds">How long a follow waits at most (1–60 s), or null for the server's default.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page as JSON: <c>lines</c>, <c>next_cursor</c>, <c>has_more</c>, <c>done</c>.</returns>
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

    /// <summary>Any request, with an optional JSON body and extra headers.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="path">The path and query, relative to the base address.</param>
    /// <param name="body">A JSON body, or null.</param>
    /// <param name="headers">Extra headers, or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The answer as JSON; null for an empty body.</returns>
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
            throw TributaryApiException.From((int)response.StatusCode, text);
        }

        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}
