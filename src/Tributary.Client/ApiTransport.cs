using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Tributary.Contracts;

namespace Tributary.Client;

/// <summary>
/// The one place requests are sent and answers read: typed bodies through the source-generated contracts context, and
/// every non-2xx answer turned into a <see cref="TributaryApiException"/> with Nango's code.
/// </summary>
internal sealed class ApiTransport
{
    private readonly HttpClient _http;

    public ApiTransport(HttpClient http)
    {
        _http = http;
    }

    public HttpClient Http => _http;

    public async Task<TResponse> SendAsync<TResponse>(
        HttpMethod method,
        string path,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken,
        HttpContent? content = null,
        ConnectionHeaders? connection = null)
    {
        using var request = Build(method, path, content, connection);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync(responseType, cancellationToken);
        return body ?? throw new TributaryApiException((int)response.StatusCode, "empty_body", "The server answered with an empty body.", string.Empty);
    }

    public static HttpContent Json<TBody>(TBody body, JsonTypeInfo<TBody> type) => JsonContent.Create(body, type);

    public static HttpRequestMessage Build(HttpMethod method, string path, HttpContent? content, ConnectionHeaders? connection)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (connection is not null)
        {
            request.Headers.TryAddWithoutValidation("Connection-Id", connection.ConnectionId);
            request.Headers.TryAddWithoutValidation("Provider-Config-Key", connection.ProviderConfigKey);
        }

        return request;
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        throw TributaryApiException.From((int)response.StatusCode, text);
    }

    internal static ErrorBody? TryReadError(string text)
    {
        try
        {
            var error = JsonSerializer.Deserialize(text, ContractsJsonContext.Default.ErrorBody);

            // Any JSON object deserialises; only one with an error object is Nango's error body.
            return error?.Error?.Code is null ? null : error;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
