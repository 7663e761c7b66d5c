using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Tributary.FakeProviders;

/// <summary>
/// <c>POST /token</c>: form-encoded (or JSON) requests for the <c>authorization_code</c>, <c>refresh_token</c> and
/// <c>client_credentials</c> grants, answered as RFC 6749 §5 describes.
/// </summary>
internal static class TokenEndpoint
{
    public static async Task HandleAsync(HttpContext context, FakeOAuthServer server)
    {
        var form = await ReadParametersAsync(context);
        if (form is null)
        {
            await WriteErrorAsync(context, 400, "invalid_request", "The body must be application/x-www-form-urlencoded or JSON.");
            return;
        }

        var grantType = form.GetValueOrDefault("grant_type") ?? "";
        server.CountTokenRequest(grantType);
        var auth = ClientAuthenticator.Authenticate(context.Request, form, server);
        if (auth.Client is not { } client)
        {
            if (auth.BasicSent)
            {
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"fake-oauth\"";
            }

            await WriteErrorAsync(context, 401, "invalid_client", auth.Error!);
            return;
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        await (grantType switch
        {
            "authorization_code" => AuthorizationCodeAsync(context, server, client, form),
            "refresh_token" => RefreshAsync(context, server, client, form),
            "client_credentials" => ClientCredentialsAsync(context, server, client, form),
            "" => WriteErrorAsync(context, 400, "invalid_request", "grant_type is required."),
            _ => WriteErrorAsync(context, 400, "unsupported_grant_type", "This server supports authorization_code, refresh_token and client_credentials."),
        });
    }

    private static Task AuthorizationCodeAsync(HttpContext context, FakeOAuthServer server, FakeOAuthClient client, Dictionary<string, string> form)
    {
        if (form.GetValueOrDefault("code") is not { Length: > 0 } code)
        {
            return WriteErrorAsync(context, 400, "invalid_request", "code is required.");
        }

        if (!server.Codes.TryTakeCode(code, server.CodeLifetime, out var request)
            || !string.Equals(request.ClientId, client.ClientId, StringComparison.Ordinal))
        {
            return WriteErrorAsync(context, 400, "invalid_grant", "The authorization code is invalid, expired or already used.");
        }

        if (!string.Equals(form.GetValueOrDefault("redirect_uri"), request.RedirectUri, StringComparison.Ordinal))
        {
            return WriteErrorAsync(context, 400, "invalid_grant", "redirect_uri does not match the authorization request.");
        }

        if (request.CodeChallenge is { } challenge)
        {
            if (form.GetValueOrDefault("code_verifier") is not { } verifier || !Pkce.IsWellFormed(verifier)
                || !Pkce.Verify(challenge, request.CodeChallengeMethod!, verifier))
            {
                return WriteErrorAsync(context, 400, "invalid_grant", "The code_verifier does not match the code_challenge.");
            }
        }

        var tokens = server.Tokens.Issue(client.ClientId, request.Scope, server.AccessTokenLifetime, server.IssueRefreshTokens);
        return WriteTokensAsync(context, server, tokens, tokens.RefreshToken);
    }

    private static Task RefreshAsync(HttpContext context, FakeOAuthServer server, FakeOAuthClient client, Dictionary<string, string> form)
    {
        switch (server.RefreshFailure)
        {
            case RefreshFailure.InvalidGrant:
                return WriteErrorAsync(context, 400, "invalid_grant", "The refresh token is invalid, expired or revoked.");
            case RefreshFailure.ServerError:
                return WriteErrorAsync(context, 500, "server_error", "The authorization server could not refresh the token.");
        }

        if (form.GetValueOrDefault("refresh_token") is not { Length: > 0 } refreshToken)
        {
            return WriteErrorAsync(context, 400, "invalid_request", "refresh_token is required.");
        }

        var rotate = server.RotateRefreshTokens;
        if (!server.Tokens.TryRedeemRefreshToken(refreshToken, client.ClientId, consume: rotate, out var grantedScope))
        {
            return WriteErrorAsync(context, 400, "invalid_grant", "The refresh token is invalid, expired or revoked.");
        }

        var scope = grantedScope;
        if (form.GetValueOrDefault("scope") is { Length: > 0 } asked)
        {
            var granted = grantedScope.Split(server.ScopeSeparator, StringSplitOptions.RemoveEmptyEntries);
            if (asked.Split(server.ScopeSeparator, StringSplitOptions.RemoveEmptyEntries).Any(s => !granted.Contains(s, StringComparer.Ordinal)))
            {
                return WriteErrorAsync(context, 400, "invalid_scope", "A refresh cannot widen the granted scope.");
            }

            scope = asked;
        }

        var tokens = server.Tokens.Issue(client.ClientId, scope, server.AccessTokenLifetime, withRefreshToken: rotate);
        return WriteTokensAsync(context, server, tokens, tokens.RefreshToken);
    }

    private static Task ClientCredentialsAsync(HttpContext context, FakeOAuthServer server, FakeOAuthClient client, Dictionary<string, string> form)
    {
        if (client.ClientSecret is null)
        {
            return WriteErrorAsync(context, 400, "unauthorized_client", "A public client cannot use client_credentials.");
        }

        var scope = form.GetValueOrDefault("scope") ?? "";
        var scopes = scope.Split(server.ScopeSeparator, StringSplitOptions.RemoveEmptyEntries);
        if (client.AllowedScopes.Count > 0 && scopes.Any(s => !client.AllowedScopes.Contains(s, StringComparer.Ordinal)))
        {
            return WriteErrorAsync(context, 400, "invalid_scope", "A requested scope is not allowed for this client.");
        }

        var tokens = server.Tokens.Issue(client.ClientId, string.Join(server.ScopeSeparator, scopes), server.AccessTokenLifetime, withRefreshToken: false);
        return WriteTokensAsync(context, server, tokens, refreshToken: null);
    }

    private static Task WriteTokensAsync(HttpContext context, FakeOAuthServer server, FakeTokenSet tokens, string? refreshToken) =>
        JsonResponse.WriteObjectAsync(context, 200, writer =>
        {
            writer.WriteString("access_token", tokens.AccessToken);
            writer.WriteString("token_type", "bearer");
            if (server.SendExpiresIn)
            {
                writer.WriteNumber("expires_in", (long)Math.Ceiling(server.AccessTokenLifetime.TotalSeconds));
            }

            if (refreshToken is not null)
            {
                writer.WriteString("refresh_token", refreshToken);
            }

            writer.WriteString("scope", tokens.Scope);
            foreach (var (name, json) in server.ExtraTokenFieldsJson)
            {
                writer.WritePropertyName(name);
                writer.WriteRawValue(json);
            }
        });

    private static Task WriteErrorAsync(HttpContext context, int status, string error, string description) =>
        JsonResponse.WriteObjectAsync(context, status, writer =>
        {
            writer.WriteString("error", error);
            writer.WriteString("error_description", description);
        });

    private static async Task<Dictionary<string, string>?> ReadParametersAsync(HttpContext context)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            foreach (var (name, value) in form)
            {
                parameters[name] = value.ToString();
            }

            return parameters;
        }

        if (context.Request.HasJsonContentType())
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                foreach (var property in document.RootElement.EnumerateObject())
                {
                    parameters[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }

                return parameters;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }
}
