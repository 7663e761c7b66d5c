using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace Tributary.FakeProviders.Tests;

/// <summary>Small HTTP helpers the tests share: a client that does not follow redirects, token and PKCE plumbing.</summary>
internal static partial class Http
{
    public const string RedirectUri = "http://127.0.0.1:9/callback";

    public static HttpClient NoRedirects() => new(new SocketsHttpHandler { AllowAutoRedirect = false });

    public static HttpClient WithToken(string accessToken)
    {
        var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static (string Verifier, string Challenge) NewPkce()
    {
        var verifier = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var challenge = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (verifier, challenge);
    }

    public static string AuthorizeUrl(FakeProviders fakes, string? challenge, string method = "S256", string scope = "issues:read", string state = "st-1", string clientId = "fake-client-id")
    {
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = clientId,
            ["redirect_uri"] = RedirectUri,
            ["scope"] = scope,
            ["state"] = state,
        };
        if (challenge is not null)
        {
            query["code_challenge"] = challenge;
            query["code_challenge_method"] = method;
        }

        return QueryHelpers.AddQueryString(fakes.OAuth.AuthorizeUrl.ToString(), query);
    }

    /// <summary>Follows the consent page as a user would: GET it, press Allow, return the redirect's query.</summary>
    public static async Task<Dictionary<string, string>> ConsentAsync(HttpClient client, string authorizeUrl, CancellationToken cancellationToken, string decision = "allow")
    {
        var page = await client.GetStringAsync(authorizeUrl, cancellationToken);
        var requestId = RequestId().Match(page).Groups[1].Value;
        var action = FormAction().Match(page).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["request_id"] = requestId, ["decision"] = decision });
        using var answer = await client.PostAsync(new Uri(new Uri(authorizeUrl), action), form, cancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Found, answer.StatusCode);
        return RedirectQuery(answer);
    }

    public static Dictionary<string, string> RedirectQuery(HttpResponseMessage response)
    {
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith(RedirectUri + "?", location, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(new Uri(location).Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    public static async Task<(int Status, JsonObject Body)> PostTokenAsync(
        HttpClient client,
        FakeProviders fakes,
        Dictionary<string, string> form,
        CancellationToken cancellationToken,
        (string Id, string Secret)? basic = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, fakes.OAuth.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        if (basic is { } b)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{b.Id}:{b.Secret}")));
        }

        using var response = await client.SendAsync(request, cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
        return ((int)response.StatusCode, body);
    }

    public static Dictionary<string, string> WithBodyClient(Dictionary<string, string> form)
    {
        form["client_id"] = "fake-client-id";
        form["client_secret"] = "fake-client-secret";
        return form;
    }

    /// <summary>Parses <c>Link</c> into rel → URL.</summary>
    public static Dictionary<string, string> Links(HttpResponseMessage response)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        if (response.Headers.TryGetValues("Link", out var values))
        {
            foreach (Match match in LinkPart().Matches(string.Join(",", values)))
            {
                links[match.Groups[2].Value] = match.Groups[1].Value;
            }
        }

        return links;
    }

    [GeneratedRegex("name=\"request_id\" value=\"([^\"]+)\"")]
    private static partial Regex RequestId();

    [GeneratedRegex("<form id=\"consent\" method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<([^>]+)>;\\s*rel=\"([a-z]+)\"")]
    private static partial Regex LinkPart();
}
