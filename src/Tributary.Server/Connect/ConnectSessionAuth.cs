using Tributary.Core.Connect;
using Tributary.Server.Validation;

namespace Tributary.Server.Connect;

/// <summary>
/// Requests authenticated by a connect session token, as Nango's middlewares take it: the browser's flows
/// (<c>connectSessionOrPublicAuth</c>) read the <c>connect_session_token</c> query parameter (and, here, a Bearer header
/// when the query has none); <c>GET</c>/<c>DELETE /connect/session</c> and the routes a session shares with API keys
/// (<c>connectSessionAuth</c>, <c>connectSessionOrSecretKeyAuth</c>) read the <c>Authorization</c> header only. Errors
/// are Nango's 401s, with its codes and messages. The token is never logged or echoed.
/// </summary>
internal static class ConnectSessionAuth
{
    /// <summary>The browser flows' session: <see cref="TryAuthenticateAsync"/>, its error answered; null when it was.</summary>
    public static Task<ConnectSession?> AuthenticateAsync(HttpContext context) => AnsweredAsync(context, TryAuthenticateAsync(context));

    /// <summary>A session from the <c>Authorization</c> header only, its error answered; null when it was.</summary>
    public static Task<ConnectSession?> AuthenticateHeaderAsync(HttpContext context) => AnsweredAsync(context, TryAuthenticateHeaderAsync(context));

    /// <summary><see cref="TryAuthenticateFlowAsync"/>, its error answered; null when it was.</summary>
    public static Task<ConnectSession?> AuthenticateFlowAsync(HttpContext context) => AnsweredAsync(context, TryAuthenticateFlowAsync(context));

    /// <summary>The browser flows' session, or the 401 to answer (not written yet: the OAuth popup answers it its own way).</summary>
    public static async Task<(ConnectSession? Session, ApiError? Error)> TryAuthenticateAsync(HttpContext context)
    {
        var token = context.Request.Query["connect_session_token"].ToString();
        if (string.IsNullOrEmpty(token))
        {
            var header = context.Request.Headers.Authorization.ToString();
            token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : string.Empty;
        }

        if (string.IsNullOrEmpty(token))
        {
            // Nango's flows also take an environment's public key, which is what it then says is missing.
            return (null, ApiKeyAuthentication.Unauthorized("missing_public_key", "Authentication failed. The request is missing a valid public key parameter."));
        }

        return await SessionAsync(context, token);
    }

    /// <summary>A session from the <c>Authorization</c> header only (Nango's <c>connectSessionAuth</c>), or the 401 to answer.</summary>
    public static async Task<(ConnectSession? Session, ApiError? Error)> TryAuthenticateHeaderAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return (null, ApiKeyAuthentication.Unauthorized("missing_auth_header", "Authentication failed. The request is missing the Authorization header."));
        }

        var token = HeaderToken(header);
        if (token.Length == 0)
        {
            return (null, ApiKeyAuthentication.Unauthorized("malformed_auth_header", "Authentication failed. The Authorization header is malformed."));
        }

        return await SessionAsync(context, token);
    }

    /// <summary>Nango's checks of a token: its format (<c>nango_connect_session_</c> and 64 hex), then a live session.</summary>
    private static async Task<(ConnectSession? Session, ApiError? Error)> SessionAsync(HttpContext context, string token)
    {
        if (!ConnectSessionService.IsWellFormed(token))
        {
            return (null, ApiKeyAuthentication.Unauthorized(
                "invalid_connect_session_token_format",
                "Authentication failed. The provided connect session token is not following correct format: nango_connect_session_RANDOM)"));
        }

        var session = await context.RequestServices.GetRequiredService<ConnectSessionService>().AuthenticateAsync(token, context.RequestAborted);
        if (session is null)
        {
            return (null, ApiKeyAuthentication.Unauthorized(
                "unknown_connect_session_token", "Authentication failed. The provided connect session token does not match any account."));
        }

        return (session, null);
    }

    /// <summary>The token of an <c>Authorization</c> header as Nango reads it (<c>split('Bearer ').pop()</c>): after the last <c>Bearer </c>, else the whole value.</summary>
    public static string HeaderToken(string header)
    {
        var at = header.LastIndexOf("Bearer ", StringComparison.Ordinal);
        return at >= 0 ? header[(at + "Bearer ".Length)..].Trim() : header.Trim();
    }

    /// <summary>
    /// <see cref="TryAuthenticateAsync"/> for the browser-facing auth endpoints (reference §A.3), which also refuse a
    /// <c>connection_id</c> in the query: 400 <c>invalid_query_params</c>.
    /// </summary>
    public static async Task<(ConnectSession? Session, ApiError? Error)> TryAuthenticateFlowAsync(HttpContext context)
    {
        var (session, error) = await TryAuthenticateAsync(context);
        return session is not null && ForbiddenConnectionId(context) is { } forbidden ? (null, forbidden) : (session, error);
    }

    private static async Task<ConnectSession?> AnsweredAsync(HttpContext context, Task<(ConnectSession? Session, ApiError? Error)> attempt)
    {
        var (session, error) = await attempt;
        if (error is not null)
        {
            await JsonResponses.ErrorAsync(context, error);
        }

        return session;
    }

    /// <summary>
    /// Nango's rule for a request made with a session token: the session decides the connection (a new id, or the one a
    /// reconnect session is bound to), so a <c>connection_id</c> in the query is refused, not ignored (reference §A.3).
    /// </summary>
    public static ApiError? ForbiddenConnectionId(HttpContext context) =>
        string.IsNullOrEmpty(context.Request.Query["connection_id"].ToString())
            ? null
            : ApiErrors.InvalidQueryParams([new ValidationIssue("custom", "connection_id is forbidden when using session token", ["connection_id"])]);
}
