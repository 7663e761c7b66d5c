namespace Tributary.Server.Dashboard;

/// <summary>
/// Everything under <c>/dashboard</c>: the pages and files, the session (sign-in, who am I, sign-out) and
/// <c>/dashboard/api/*</c>, which is the public API reached with the session cookie instead of a Bearer key.
/// </summary>
/// <remarks>
/// An API call is checked here (a live session, and on every state-changing method the session's CSRF token in
/// <see cref="DashboardSessions.CsrfHeader"/> and a same-origin <c>Origin</c>), then its path loses the
/// <c>/dashboard/api</c> prefix and routing runs after this middleware, so it reaches the very endpoint a client
/// would, with the key's environment and scopes. Any <c>Authorization</c> header is dropped: under this path only the
/// cookie counts, and outside it the cookie counts for nothing (the public API stays Bearer-only).
/// </remarks>
internal sealed class DashboardMiddleware
{
    public const string Prefix = "/dashboard";
    private const string ApiPrefix = "/dashboard/api";

    private readonly RequestDelegate _next;
    private readonly DashboardAssets _assets;

    public DashboardMiddleware(RequestDelegate next, DashboardAssets assets)
    {
        _next = next;
        _assets = assets;
    }

    public async Task InvokeAsync(HttpContext context, DashboardSessions sessions)
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments(Prefix, StringComparison.Ordinal, out var rest))
        {
            await _next(context);
            return;
        }

        DashboardHeaders.Apply(context.Response);
        if (path.StartsWithSegments(ApiPrefix, StringComparison.Ordinal, out var apiPath))
        {
            await ApiAsync(context, sessions, apiPath);
            return;
        }

        switch (rest.Value)
        {
            case null or "":
                context.Response.Redirect($"{context.Request.PathBase}{Prefix}/");
                return;
            case "/session":
                await sessions.HandleAsync(context);
                return;
            default:
                await PageOrFileAsync(context, sessions, rest.Value);
                return;
        }
    }

    private async Task ApiAsync(HttpContext context, DashboardSessions sessions, PathString apiPath)
    {
        var (session, key) = await sessions.AuthenticateAsync(context);
        if (session is null || key is null)
        {
            await JsonResponses.ErrorAsync(context, DashboardSessions.SessionRequired);
            return;
        }

        if (DashboardSessions.CheckStateChange(context, session) is { } refused)
        {
            await JsonResponses.ErrorAsync(context, refused);
            return;
        }

        context.Request.Headers.Authorization = default;
        context.Request.Path = apiPath.HasValue ? apiPath : "/";
        context.Features.Set(new DashboardCaller(key));
        await _next(context);
    }

    private async Task PageOrFileAsync(HttpContext context, DashboardSessions sessions, string rest)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await JsonResponses.ErrorAsync(context, new ApiError(405, "method_not_allowed", "Dashboard files are read with GET."));
            return;
        }

        var name = rest == "/" ? "index.html" : rest[1..];
        if (name is "index.html" or "signin.html")
        {
            // The one page URL: the dashboard for a signed-in browser, the sign-in form for any other.
            var (session, key) = await sessions.AuthenticateAsync(context);
            name = session is not null && key is not null ? "index.html" : "signin.html";
        }
        else if (!DashboardAssets.Public.Contains(name))
        {
            var (session, key) = await sessions.AuthenticateAsync(context);
            if (session is null || key is null)
            {
                await JsonResponses.ErrorAsync(context, DashboardSessions.SessionRequired);
                return;
            }
        }

        if (_assets.Find(name) is not { } asset)
        {
            await JsonResponses.ErrorAsync(context, new ApiError(404, "not_found", "No such dashboard file."));
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Content.Length;
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(asset.Content, context.RequestAborted);
        }
    }
}
