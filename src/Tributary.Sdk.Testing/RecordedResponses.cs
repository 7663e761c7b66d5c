using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Sdk.Testing;

/// <summary>
/// Answers a function's provider calls from recorded responses, so its unit test runs offline on real answers. Set
/// it as <see cref="TestSyncContext.HttpHandler"/>.
/// </summary>
/// <remarks>
/// <para>
/// A recording is one JSON file per exchange:
/// <c>{"request": {"method": "GET", "url": "contacts?page=2"}, "response": {"status": 200, "headers": {…}, "body": …}}</c>.
/// <c>url</c> is relative to the provider's base URL (the integration's <c>base_url</c>), so a recording matches
/// whatever base the test uses; <c>body</c> is any JSON value, or a string with <c>"bodyText": true</c> for a body that
/// is not JSON.
/// </para>
/// <para>
/// A request matches a recording with the same method whose <c>url</c> (path and query, exactly) ends the request's path
/// and query. A recording answers every matching request; a request nothing matches fails the call with an
/// <see cref="InvalidOperationException"/> naming it, so a test never reaches the network.
/// </para>
/// </remarks>
public sealed class RecordedResponses : HttpMessageHandler
{
    private readonly List<RecordedExchange> _exchanges = [];
    private readonly List<string> _requests = [];
    private readonly Lock _gate = new();

    /// <summary>The requests the function made, as <c>METHOD path?query</c>, in order.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Reads every <c>*.json</c> file of <paramref name="directory"/> (in name order) as one recorded exchange.</summary>
    /// <exception cref="InvalidDataException">A file is not a recording; the message names it.</exception>
    public static RecordedResponses FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var responses = new RecordedResponses();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            responses._exchanges.Add(RecordedExchange.Read(file));
        }

        return responses;
    }

    /// <summary>Adds a recorded answer of <paramref name="status"/> with a JSON <paramref name="body"/>.</summary>
    /// <param name="method">The HTTP method, e.g. <c>GET</c>.</param>
    /// <param name="url">The request's path and query relative to the provider's base URL, e.g. <c>contacts?page=2</c>.</param>
    /// <param name="status">The answer's status code.</param>
    /// <param name="body">The answer's JSON body.</param>
    /// <returns>This instance, to chain further recordings.</returns>
    public RecordedResponses Add(string method, string url, int status, JsonNode? body)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(url);
        _exchanges.Add(new RecordedExchange(method, url, status, [], body?.ToJsonString() ?? "null", "application/json", "(added)"));
        return this;
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pathAndQuery = request.RequestUri?.PathAndQuery ?? "/";
        var method = request.Method.Method;
        lock (_gate)
        {
            _requests.Add($"{method} {pathAndQuery}");
        }

        var exchange = _exchanges.Find(e => e.Matches(method, pathAndQuery))
            ?? throw new InvalidOperationException(
                $"No recorded response for {method} {pathAndQuery}. Recorded: {string.Join(", ", _exchanges.Select(e => $"{e.Method} {e.Url}"))}.");
        return Task.FromResult(exchange.ToResponse(request));
    }

    private sealed record RecordedExchange(
        string Method,
        string Url,
        int Status,
        IReadOnlyList<KeyValuePair<string, string>> Headers,
        string Body,
        string ContentType,
        string Source)
    {
        public bool Matches(string method, string pathAndQuery)
        {
            if (!string.Equals(method, Method, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            var url = Url.StartsWith('/') ? Url : "/" + Url;
            return pathAndQuery.EndsWith(url, StringComparison.Ordinal);
        }

        public HttpResponseMessage ToResponse(HttpRequestMessage request)
        {
            var response = new HttpResponseMessage((HttpStatusCode)Status)
            {
                RequestMessage = request,
                Content = new StringContent(Body, Encoding.UTF8, ContentType),
            };
            foreach (var (name, value) in Headers)
            {
                if (!response.Headers.TryAddWithoutValidation(name, value))
                {
                    response.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            return response;
        }

        public static RecordedExchange Read(string file)
        {
            JsonObject root;
            try
            {
                root = JsonNode.Parse(File.ReadAllText(file)) as JsonObject ?? throw new InvalidDataException($"{file}: expected a JSON object");
            }
            catch (JsonException exception)
            {
                throw new InvalidDataException($"{file}: not JSON: {exception.Message}", exception);
            }

            var requestNode = root["request"] as JsonObject ?? throw new InvalidDataException($"{file}: missing \"request\"");
            var responseNode = root["response"] as JsonObject ?? throw new InvalidDataException($"{file}: missing \"response\"");
            var method = Text(requestNode, "method", file) ?? "GET";
            var url = Text(requestNode, "url", file) ?? throw new InvalidDataException($"{file}: missing \"request.url\"");
            var status = responseNode["status"] is JsonValue statusValue && statusValue.TryGetValue<int>(out var code) ? code : 200;
            var headers = new List<KeyValuePair<string, string>>();
            var contentType = "application/json";
            if (responseNode["headers"] is JsonObject headerNodes)
            {
                foreach (var (name, value) in headerNodes)
                {
                    var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
                    if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
                    {
                        contentType = text.Split(';')[0].Trim();
                    }
                    else
                    {
                        headers.Add(new(name, text));
                    }
                }
            }

            var bodyIsText = responseNode["bodyText"] is JsonValue flag && flag.TryGetValue<bool>(out var isText) && isText;
            var body = responseNode["body"] switch
            {
                null => "",
                JsonValue text when bodyIsText && text.TryGetValue<string>(out var raw) => raw,
                var node => node.ToJsonString(),
            };
            return new RecordedExchange(method, url, status, headers, body, contentType, file);
        }

        private static string? Text(JsonObject node, string key, string file) => node[key] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) => text,
            _ => throw new InvalidDataException($"{file}: \"{key}\" must be a string"),
        };
    }
}
