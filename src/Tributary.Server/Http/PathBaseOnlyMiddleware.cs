namespace Tributary.Server.Http;

/// <summary>
/// With a path base, answers 404 to every request outside it: <c>UsePathBase</c> alone strips the prefix when it
/// is there and still routes the unprefixed path when it is not, so the API answered on two roots.
/// </summary>
internal sealed class PathBaseOnlyMiddleware
{
    private readonly RequestDelegate _next;

    public PathBaseOnlyMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.PathBase.HasValue)
        {
            return _next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
