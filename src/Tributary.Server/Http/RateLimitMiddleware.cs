using System.Globalization;
using Microsoft.AspNetCore.Http;
using Tributary.Contracts;
using Tributary.Server.Hosting;

namespace Tributary.Server.Http;

/// <summary>
/// The per-environment rate limit (<see cref="TributaryServerOptions.RateLimitPerMinute"/>; 0 turns it off).
/// Every answer to an authenticated request carries <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and
/// <c>X-RateLimit-Reset</c> (unix seconds); a refused one is 429 <c>too_many_request</c> with <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// The environment is known only from the key, so this authenticates the request itself (a cached hash lookup;
/// the endpoint's own check then hits the same cache). Requests without a valid key are not counted: they are
/// refused with 401 at the cost of that same lookup.
/// </remarks>
internal sealed class RateLimitMiddleware
{
    private readonly RequestDelegate _next;
    private readonly RateLimitWindows? _windows;

    public RateLimitMiddleware(RequestDelegate next, TributaryServerOptions options, TimeProvider timeProvider)
    {
        _next = next;
        _windows = options.RateLimitPerMinute > 0 ? new RateLimitWindows(options.RateLimitPerMinute, timeProvider) : null;
    }

    public async Task InvokeAsync(HttpContext context, ApiKeyAuthentication authentication)
    {
        if (_windows is null || string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            await _next(context);
            return;
        }

        var (key, _) = await authentication.AuthenticateAsync(context);
        if (key is null)
        {
            await _next(context);
            return;
        }

        var script = string.Equals(context.Request.Headers["Nango-Is-Script"], "true", StringComparison.OrdinalIgnoreCase);
        var decision = _windows.Take(new RateLimitBucket(key.EnvironmentId, script));
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (decision.Allowed)
        {
            await _next(context);
            return;
        }

        var retryAfter = Math.Max(1, (long)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var message = $"Too many requests: this environment may send {decision.Limit} per minute. Retry after {retryAfter} seconds.";
        var body = new TooManyRequestsBody(
            new TooManyRequestsDetail("too_many_request", message, context.Request.Method, context.Request.Path.Value), message);
        await JsonResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, body, JsonResponses.Json.TooManyRequestsBody);
    }
}
