using Microsoft.AspNetCore.WebUtilities;

namespace Tributary.FakeProviders;

/// <summary>One request a fake received, as the fake saw it, with the status it answered.</summary>
/// <param name="Method">The HTTP method, upper case.</param>
/// <param name="Path">The path relative to the fake's base URL, e.g. <c>/repos/octo-org/octo-repo/issues</c>.</param>
/// <param name="QueryString">The raw query string including the leading <c>?</c>, or empty.</param>
/// <param name="Endpoint">The endpoint name from <see cref="FakeEndpoints"/>, or null when no route matched.</param>
/// <param name="Headers">Request headers by name (case-insensitive); repeated headers are joined with <c>", "</c>.</param>
/// <param name="Body">The request body as text (at most 64 KiB), or null when there was none.</param>
/// <param name="StatusCode">The status the fake answered (an injected fault's status when one fired).</param>
/// <remarks>
/// The entry keeps headers and bodies as sent — including <c>Authorization</c> and token-request secrets — so a test
/// can assert which credential was used. It lives only in memory; <see cref="ToString"/> leaves them out.
/// </remarks>
public sealed record FakeRequest(
    string Method,
    string Path,
    string QueryString,
    string? Endpoint,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    int StatusCode)
{
    /// <summary>The path and query string, e.g. <c>/repos/o/r/issues?page=2</c>.</summary>
    public string PathAndQuery => Path + QueryString;

    /// <summary>The first value of a query parameter, or null when it was not sent.</summary>
    public string? Query(string name)
    {
        var values = QueryHelpers.ParseQuery(QueryString);
        return values.TryGetValue(name, out var value) && value.Count > 0 ? value[0] : null;
    }

    /// <summary>A request header's value, or null when it was not sent.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Method, path, query and status only: headers and bodies may hold secrets.</summary>
    public override string ToString() => $"{Method} {PathAndQuery} -> {StatusCode}";
}
