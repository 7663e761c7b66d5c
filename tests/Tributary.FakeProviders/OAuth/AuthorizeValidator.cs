using Microsoft.Extensions.Primitives;

namespace Tributary.FakeProviders;

/// <summary>Checks an <c>/authorize</c> query the way a strict provider does (RFC 6749 §4.1.1, RFC 7636 §4.3).</summary>
internal static class AuthorizeValidator
{
    public static AuthorizeOutcome Validate(IReadOnlyDictionary<string, StringValues> query, FakeOAuthServer server)
    {
        var clientId = Single(query, "client_id");
        if (clientId is null || server.FindClient(clientId) is not { } client)
        {
            return new AuthorizeOutcome.ErrorPage("Unknown client_id.");
        }

        var redirectUri = Single(query, "redirect_uri");
        if (redirectUri is null || !IsAllowedRedirect(client, redirectUri))
        {
            return new AuthorizeOutcome.ErrorPage("The redirect_uri is missing or not registered for this client.");
        }

        var state = Single(query, "state");
        if (!string.Equals(Single(query, "response_type"), "code", StringComparison.Ordinal))
        {
            return new AuthorizeOutcome.RedirectError(redirectUri, "unsupported_response_type", "response_type must be code.", state);
        }

        var scope = Single(query, "scope") ?? "";
        var scopes = scope.Split(server.ScopeSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (client.AllowedScopes.Count > 0 && scopes.FirstOrDefault(s => !client.AllowedScopes.Contains(s, StringComparer.Ordinal)) is { } unknown)
        {
            return new AuthorizeOutcome.RedirectError(redirectUri, "invalid_scope", $"The scope '{unknown}' is not allowed for this client.", state);
        }

        var challenge = Single(query, "code_challenge");
        var method = Single(query, "code_challenge_method");
        if (challenge is null)
        {
            if (server.RequirePkce || client.ClientSecret is null)
            {
                return new AuthorizeOutcome.RedirectError(redirectUri, "invalid_request", "code_challenge is required.", state);
            }

            if (method is not null)
            {
                return new AuthorizeOutcome.RedirectError(redirectUri, "invalid_request", "code_challenge_method without code_challenge.", state);
            }
        }
        else
        {
            method ??= Pkce.Plain;
            if (method is not (Pkce.S256 or Pkce.Plain))
            {
                return new AuthorizeOutcome.RedirectError(redirectUri, "invalid_request", "code_challenge_method must be S256 or plain.", state);
            }

            if (!Pkce.IsWellFormed(challenge))
            {
                return new AuthorizeOutcome.RedirectError(redirectUri, "invalid_request", "code_challenge is malformed.", state);
            }
        }

        return new AuthorizeOutcome.Accepted(new AuthorizationRequest(
            client.ClientId,
            redirectUri,
            string.Join(server.ScopeSeparator, scopes),
            state,
            challenge,
            challenge is null ? null : method));
    }

    private static string? Single(IReadOnlyDictionary<string, StringValues> query, string name) =>
        query.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;

    private static bool IsAllowedRedirect(FakeOAuthClient client, string redirectUri)
    {
        if (!Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Fragment.Length > 0)
        {
            return false;
        }

        return client.RedirectUris.Count == 0 || client.RedirectUris.Contains(redirectUri, StringComparer.Ordinal);
    }
}
