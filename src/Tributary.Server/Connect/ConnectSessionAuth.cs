using Tributary.Core.Connect;
using Tributary.Server.Validation;

namespace Tributary.Server.Connect;

/// <summary>
/// A request authenticated by a connect session token, as Nango takes it: the <c>connect_session_token</c> query
/// parameter, else <c>Authorization: Bearer</c>. The token is never logged or echoed.
/// </summary>
internal static class ConnectSessionAuth
{
    /// <returns>The session, or null when a 401 was already answered.</returns>
    public static Task<ConnectSession?> AuthenticateAsync(HttpContext context) => AnsweredAsync(context, TryAuthenticateAsync(context));

    /// <summary><see cref="TryAuthenticateFlowAsync"/>, its error answered; null when it was.</summary>
    public static Task<ConnectSession?> AuthenticateFlowAsync(HttpContext context) => AnsweredAsync(context, TryAuthenticateFlowAsync(context));

    /// <summary>The session, or the 401 to answer (not written yet: the OAuth popup answers it its own way).</summary>
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
            return (null, new ApiError(StatusCodes.Status401Unauthorized, "missing_connect_session_token", "Authentication failed. The request is missing a connect session token."));
        }

        var session = await context.RequestServices.GetRequiredService<ConnectSessionService>().AuthenticateAsync(token, context.RequestAborted);
        if (session is null)
        {
            return (null, new ApiError(StatusCodes.Status401Unauthorized, "unknown_connect_session_token", "Authentication failed. The connect session token is unknown or expired."));
        }

        return (session, null);
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
    private static ApiError? ForbiddenConnectionId(HttpContext context) =>
        string.IsNullOrEmpty(context.Request.Query["connection_id"].ToString())
            ? null
            : ApiErrors.InvalidQueryParams([new ValidationIssue("custom", "connection_id is forbidden when using session token", ["connection_id"])]);
}
