using Tributary.Core.Connect;

namespace Tributary.Server.Connect;

/// <summary>
/// A request authenticated by a connect session token, as Nango takes it: the <c>connect_session_token</c> query
/// parameter, else <c>Authorization: Bearer</c>. The token is never logged or echoed.
/// </summary>
internal static class ConnectSessionAuth
{
    /// <returns>The session, or null when a 401 was already answered.</returns>
    public static async Task<ConnectSession?> AuthenticateAsync(HttpContext context)
    {
        var (session, error) = await TryAuthenticateAsync(context);
        if (error is not null)
        {
            await JsonResponses.ErrorAsync(context, error);
        }

        return session;
    }

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
        return session is null
            ? (null, new ApiError(StatusCodes.Status401Unauthorized, "unknown_connect_session_token", "Authentication failed. The connect session token is unknown or expired."))
            : (session, null);
    }
}
