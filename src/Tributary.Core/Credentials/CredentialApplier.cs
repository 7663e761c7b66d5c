using System.Net.Http.Headers;
using System.Text;
using Tributary.Core.Providers;

namespace Tributary.Core.Credentials;

/// <summary>
/// Puts a connection's credentials on an outgoing request the way Nango's proxy does (reference §C.3–C.4): the
/// auth mode's default header, then the template's <c>proxy.headers</c> (which win) and <c>proxy.query</c>, each
/// interpolated and dropped when a placeholder cannot be filled. Headers the caller set itself are left alone.
/// </summary>
public static class CredentialApplier
{
    /// <summary>The API base URL: the integration's <c>base_url</c>, else the template's interpolated <c>proxy.base_url</c>.</summary>
    public static Uri? BaseUrl(FreshCredentials credentials, string? integrationBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var text = integrationBaseUrl
            ?? (credentials.Provider?.Proxy.BaseUrl is { } template ? Interpolation.FillBaseUrl(template, credentials.Lookup) : null);
        return text is not null && Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) ? uri : null;
    }

    /// <summary>The headers and query parameters to add, by name (header names lower-case).</summary>
    public static AppliedCredentials Compute(FreshCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (DefaultAuthorization(credentials) is { } authorization)
        {
            headers["authorization"] = authorization;
        }

        var proxy = credentials.Provider?.Proxy ?? ProviderProxy.Empty;
        foreach (var (name, template) in proxy.Headers)
        {
            if (Interpolation.Fill(template, credentials.Lookup) is { } value)
            {
                headers[name] = value;
            }
        }

        var query = new List<KeyValuePair<string, string>>();
        foreach (var (name, template) in proxy.Query)
        {
            if (Interpolation.Fill(template, credentials.Lookup) is { } value)
            {
                query.Add(new(name, value));
            }
        }

        return new AppliedCredentials(headers, query);
    }

    private static string? DefaultAuthorization(FreshCredentials credentials)
    {
        var placesApiKey = credentials.Provider is { } provider
            && provider.Proxy.Headers.Values.Concat(provider.Proxy.Query.Values).Any(v => v.Contains("apiKey", StringComparison.Ordinal));
        return credentials.Type switch
        {
            "OAUTH2" or "OAUTH2_CC" when credentials.AccessToken is { } token => $"Bearer {token}",
            "BASIC" => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Lookup("username")}:{credentials.Lookup("password")}")),
            // Nango sends no default header for API_KEY; a provider outside the catalogue (or one whose template does
            // not place the key) gets the bearer header Tributary sent before there were templates.
            "API_KEY" when !placesApiKey => $"Bearer {credentials.Lookup("apiKey")}",
            _ => null,
        };
    }
}

/// <summary>What <see cref="CredentialApplier"/> adds to a request.</summary>
public sealed record AppliedCredentials(IReadOnlyDictionary<string, string> Headers, IReadOnlyList<KeyValuePair<string, string>> Query)
{
    /// <summary>The names of <see cref="Headers"/>, computed once: every request of a run is told them (the redirect handler keeps them within an origin).</summary>
    public IReadOnlyCollection<string> HeaderNames { get; } = [.. Headers.Keys];

    private readonly HashSet<string> _queryNames = Query.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Adds the headers the request does not already carry and sets the query parameters — a parameter of the same name
    /// the caller sent is replaced, as Nango's <c>searchParams.set</c> does, so the provider never sees two; returns the
    /// header names added.
    /// </summary>
    public IReadOnlyList<string> ApplyTo(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var added = new List<string>();
        foreach (var (name, value) in Headers)
        {
            if (!request.Headers.Contains(name) && request.Headers.TryAddWithoutValidation(name, value))
            {
                added.Add(name);
            }
        }

        if (Query.Count > 0 && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            var kept = (uri.Query.Length > 1 ? uri.Query[1..] : string.Empty)
                .Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Where(pair => !_queryNames.Contains(Uri.UnescapeDataString(pair.Split('=', 2)[0].Replace('+', ' '))));
            var builder = new StringBuilder(string.Join('&', kept));
            foreach (var (name, value) in Query)
            {
                builder.Append(builder.Length > 0 ? "&" : string.Empty).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            }

            request.RequestUri = new UriBuilder(uri) { Query = builder.ToString() }.Uri;
        }

        return added;
    }
}
