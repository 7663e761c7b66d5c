using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Providers;

namespace Tributary.Core.Credentials;

/// <summary>
/// Token requests at a provider's <c>token_url</c>: the refresh grant and the client-credentials grant (reference
/// §B.4). A failure becomes a <see cref="ConnectionRefreshException"/> saying what the provider answered, with every
/// secret of the request cut out of it.
/// </summary>
/// <remarks>
/// Written by hand rather than with an OAuth client library: the two grants are a form POST each, and Nango's
/// template knobs (<c>token_params</c> reused on refresh, <c>token_request_auth_method</c>, <c>body_format</c>,
/// interpolated token URLs) would have to be bent into any library's model anyway.
/// </remarks>
public sealed class TokenClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);
    private const int MaxAnswerChars = 300;

    private readonly HttpClient _http;

    public TokenClient()
        : this(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
    }

    public TokenClient(HttpMessageHandler handler)
    {
        _http = new HttpClient(handler) { Timeout = RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Tributary");
        _http.DefaultRequestHeaders.Accept.ParseAdd("application/json");
    }

    public Task<JsonObject> RefreshAsync(ProviderDefinition provider, FreshCredentials current, OAuthClientCredentials client, string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        // refresh_params, else token_params (Nango's rule) — but never over the grant itself: Nango lets a
        // token_params.grant_type of authorization_code replace it, which no refresh can succeed with.
        AddParams(fields, provider.RefreshParams ?? provider.TokenParams, current);
        fields["grant_type"] = "refresh_token";
        fields["refresh_token"] = refreshToken;
        return SendAsync(provider, current, client, fields, [refreshToken], cancellationToken);
    }

    public Task<JsonObject> ClientCredentialsAsync(ProviderDefinition provider, FreshCredentials current, OAuthClientCredentials client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(client);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        AddParams(fields, provider.TokenParams, current);
        fields["grant_type"] = "client_credentials";

        // Nango's: the connection config's oauth_scopes (a comma list, from the flow's params) are the scope asked for;
        // without them, the integration's scopes or the template's default_scopes (docs/providers.md, Differences).
        IReadOnlyList<string> scopes = current.ConnectionConfig["oauth_scopes"] is JsonValue listed && listed.TryGetValue<string>(out var text) && text.Length > 0
            ? text.Split(',')
            : client.Scopes.Count > 0 ? client.Scopes : provider.DefaultScopes;
        if (scopes.Count > 0)
        {
            fields["scope"] = string.Join(provider.ScopeSeparator, scopes);
        }

        // Nango's: a session's authorization_params, kept in the connection config, go into every token request.
        if (current.ConnectionConfig["authorization_params"] is JsonObject extra)
        {
            foreach (var (name, value) in extra)
            {
                if (value is JsonValue plain && plain.TryGetValue<string>(out var single))
                {
                    fields[name] = single;
                }
            }
        }

        return SendAsync(provider, current, client, fields, [], cancellationToken);
    }

    /// <summary>
    /// The authorization-code grant (reference §A.4 step 2.5): <c>token_params</c>, then the code, the redirect URI and
    /// the PKCE verifier (null when the provider disables PKCE). The code and verifier are cut out of any failure.
    /// </summary>
    public Task<JsonObject> AuthorizationCodeAsync(
        ProviderDefinition provider,
        FreshCredentials current,
        OAuthClientCredentials client,
        string code,
        string redirectUri,
        string? codeVerifier,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        AddParams(fields, provider.TokenParams, current);
        fields["grant_type"] = "authorization_code";
        fields["code"] = code;
        fields["redirect_uri"] = redirectUri;
        if (codeVerifier is not null)
        {
            fields["code_verifier"] = codeVerifier;
        }

        return SendAsync(provider, current, client, fields, codeVerifier is null ? [code] : [code, codeVerifier], cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private static void AddParams(Dictionary<string, string> fields, IReadOnlyDictionary<string, string> parameters, FreshCredentials current)
    {
        foreach (var (name, template) in parameters)
        {
            if (Interpolation.Fill(template, current.Lookup) is { } value)
            {
                fields[name] = value;
            }
        }
    }

    private async Task<JsonObject> SendAsync(
        ProviderDefinition provider,
        FreshCredentials current,
        OAuthClientCredentials client,
        Dictionary<string, string> fields,
        IReadOnlyList<string> secrets,
        CancellationToken cancellationToken)
    {
        // The client's secret goes to this URL: a connection config value may not move its host (Interpolation).
        if (provider.TokenUrl is { } checkedTemplate && Interpolation.UnsafeHostPlaceholder(checkedTemplate, current.Lookup) is { } unsafeName)
        {
            throw new ConnectionRefreshException(
                $"The token URL of provider '{provider.Name}' cannot be built: {unsafeName} is not a host name, and it would choose where the client secret goes.");
        }

        var url = provider.TokenUrl is { } template ? Interpolation.Fill(template, current.Lookup) : null;
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var tokenUri))
        {
            throw new ConnectionRefreshException(
                $"The token URL of provider '{provider.Name}' cannot be built: {(provider.TokenUrl is null ? "the template has no token_url" : "a connection_config value it needs is missing")}.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, tokenUri);
        if (provider.TokenRequestAuthMethod == TokenRequestAuth.Basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client.ClientId}:{client.ClientSecret}")));
        }
        else if (provider.ClientAuthInHeader)
        {
            // RFC 6749 §2.3.1, as simple-oauth2's header mode sends it: each part form-encoded first.
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(client.ClientId)}:{Uri.EscapeDataString(client.ClientSecret ?? string.Empty)}")));
        }
        else
        {
            fields["client_id"] = client.ClientId;
            if (client.ClientSecret is not null)
            {
                fields["client_secret"] = client.ClientSecret;
            }
        }

        request.Content = provider.JsonTokenBody
            ? new StringContent(JsonSerializer.Serialize(fields), Encoding.UTF8, "application/json")
            : new FormUrlEncodedContent(fields);

        string body;
        int status;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new ConnectionRefreshException($"The token request to {tokenUri.GetLeftPart(UriPartial.Path)} failed: {ex.GetType().Name} ({Scrub(ex.Message, secrets, client)}).", ex);
        }

        var answer = Parse(body);
        if (status is < 200 or > 299 || answer?["access_token"] is null)
        {
            throw new ConnectionRefreshException(
                $"The provider answered the token request with {status}: {Describe(answer, body, secrets, client)}");
        }

        return answer;
    }

    /// <summary>A JSON object, or a form-encoded answer (GitHub's without <c>Accept: application/json</c>) as one.</summary>
    private static JsonObject? Parse(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            if (!body.Contains('=', StringComparison.Ordinal) || body.Contains('<', StringComparison.Ordinal))
            {
                return null;
            }

            var result = new JsonObject();
            foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split('=', 2);
                result[Uri.UnescapeDataString(parts[0])] = parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
            }

            return result;
        }
    }

    /// <summary>The provider's <c>error</c> and <c>error_description</c>, else the start of its body; secrets cut out.</summary>
    private static string Describe(JsonObject? answer, string body, IReadOnlyList<string> secrets, OAuthClientCredentials client)
    {
        string text;
        if (answer?["error"] is JsonValue error)
        {
            text = answer["error_description"] is JsonValue description ? $"{error} ({description})" : error.ToString();
        }
        else if (answer?["access_token"] is not null)
        {
            text = "an answer without an access token";
        }
        else
        {
            text = string.IsNullOrWhiteSpace(body) ? "an empty body" : body.Trim();
            if (answer is not null)
            {
                // A JSON answer without error fields: say which fields it had, never their values.
                text = $"an answer without access_token (fields: {string.Join(", ", answer.Select(p => p.Key))})";
            }
        }

        text = Scrub(text, secrets, client);
        return text.Length > MaxAnswerChars ? text[..MaxAnswerChars] + "…" : text;
    }

    private static string Scrub(string text, IReadOnlyList<string> secrets, OAuthClientCredentials client)
    {
        foreach (var secret in secrets.Append(client.ClientSecret))
        {
            if (!string.IsNullOrEmpty(secret))
            {
                text = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
