using System.Net;

namespace Tributary.Core.Engine;

/// <summary>
/// Follows a provider's redirects for a run's calls and the proxy, keeping the connection's credentials on a hop to
/// the same origin: .NET's own redirect handling clears <c>Authorization</c> on every hop, so a call that met a
/// redirect (GitHub answers a renamed repository with a 301 to <c>/repositories/{id}</c>) reached its target without
/// credentials, where Nango forwards them. A hop to another origin (scheme, host and port) drops
/// <c>Authorization</c>, <c>Proxy-Authorization</c>, cookies and every header the connection's credentials put on the
/// request (a template's <c>x-api-key</c>, say; <see cref="CredentialHeaders"/>): Nango forwards every header there
/// too unless a template says not to, which would hand the connection's secret to whatever host a provider redirects
/// to (a presigned download URL, say).
/// </summary>
/// <remarks>
/// Each hop goes down the chain on its own (the call handler logs and counts it). 301 and 302 turn a POST into a GET
/// and 303 turns anything but HEAD into a GET, without a body, as browsers and .NET do; 307 and 308 keep the method
/// and body, so a body that cannot be sent twice (a streamed proxy upload) stops there and the redirect is answered.
/// An https hop to http is not followed, as .NET refuses it; after <see cref="MaxHops"/> the last redirect is answered.
/// </remarks>
internal sealed class ProviderRedirectHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <summary>Hops followed before the last redirect is answered as it is (axios follows 21; .NET 50).</summary>
    internal const int MaxHops = 20;

    /// <summary>The names of the headers the connection's credentials set on the request (the auth handler sets it).</summary>
    public static readonly HttpRequestOptionsKey<IReadOnlyCollection<string>> CredentialHeaders = new("tributary.credential-headers");

    private static readonly string[] NeverAcrossOrigins = ["Authorization", "Proxy-Authorization", "Cookie"];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        for (var hop = 0; hop < MaxHops && Next(request, response) is { } next; hop++)
        {
            response.Dispose();
            request = next;
            response = await base.SendAsync(request, cancellationToken);
        }

        return response;
    }

    /// <summary>The request the redirect asks for, or null when the answer is not one to follow.</summary>
    internal static HttpRequestMessage? Next(HttpRequestMessage request, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location || request.RequestUri is not { } from)
        {
            return null;
        }

        var to = location.IsAbsoluteUri ? location : new Uri(from, location);
        if (to.Scheme is not ("http" or "https") || (from.Scheme == "https" && to.Scheme == "http"))
        {
            return null;
        }

        var toGet = (status == 303 && request.Method != HttpMethod.Head) || (status is 301 or 302 && request.Method == HttpMethod.Post);
        if (!toGet && request.Content is not null and not ByteArrayContent)
        {
            return null;
        }

        // A fragment the redirect does not give is kept (RFC 9110 §10.2.2).
        if (string.IsNullOrEmpty(to.Fragment) && !string.IsNullOrEmpty(from.Fragment))
        {
            to = new UriBuilder(to) { Fragment = from.Fragment[1..] }.Uri;
        }

        var next = new HttpRequestMessage(toGet ? HttpMethod.Get : request.Method, to) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        var sameOrigin = Uri.Compare(from, to, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        var credentialHeaders = request.Options.TryGetValue(CredentialHeaders, out var names) ? names : [];
        foreach (var (name, values) in request.Headers)
        {
            if (!sameOrigin
                && (NeverAcrossOrigins.Contains(name, StringComparer.OrdinalIgnoreCase) || credentialHeaders.Contains(name, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            next.Headers.TryAddWithoutValidation(name, values);
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)next.Options)[option.Key] = option.Value;
        }

        if (!toGet)
        {
            next.Content = request.Content;
        }

        return next;
    }
}
