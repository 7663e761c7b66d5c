using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tributary.Testing;

namespace Tributary.Server.Tests.Dashboard;

/// <summary>
/// A cookie-holding HTTP client for the dashboard's endpoints, with every header in the test's hands: it keeps the
/// session cookie itself (no automatic cookie handling) and sends the CSRF token only when asked.
/// </summary>
internal sealed class DashboardHttp : IDisposable
{
    private readonly HttpClient _http;

    public DashboardHttp(Uri baseUrl)
    {
        _http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
    }

    /// <summary>The session cookie as the browser would send it (<c>name=value</c>), once signed in.</summary>
    public string? Cookie { get; set; }

    public string? CsrfToken { get; private set; }

    public string? SetCookie { get; private set; }

    public async Task<DashboardAnswer> SignInAsync(string secretKey, CancellationToken cancellationToken, string prefix = "")
    {
        var answer = await SendAsync(
            HttpMethod.Post, $"{prefix}dashboard/session", new JsonObject { ["secret_key"] = secretKey }.ToJsonString(), cancellationToken);
        if (answer.Status == 200)
        {
            SetCookie = answer.Headers["Set-Cookie"];
            Cookie = SetCookie.Split(';')[0];
            CsrfToken = (string?)JsonNode.Parse(answer.Body)!["csrf_token"];
        }

        return answer;
    }

    public async Task<DashboardAnswer> SendAsync(
        HttpMethod method,
        string path,
        string? json,
        CancellationToken cancellationToken,
        string? csrf = null,
        IReadOnlyDictionary<string, string>? headers = null,
        string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (Cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", Cookie);
        }

        if (csrf is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Tributary-Csrf", csrf);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var all = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        return new DashboardAnswer(response.StatusCode, all, body);
    }

    public static async Task<DashboardHttp> SignedInAsync(TestServer server, CancellationToken cancellationToken)
    {
        var http = new DashboardHttp(server.BaseUrl);
        var answer = await http.SignInAsync(server.SecretKey, cancellationToken);
        Assert.Equal(200, answer.Status);
        return http;
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record DashboardAnswer(HttpStatusCode Code, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public int Status => (int)Code;

    public string? ErrorCode => Body.Length > 0 && Body[0] == '{' ? (string?)JsonNode.Parse(Body)?["error"]?["code"] : null;
}
