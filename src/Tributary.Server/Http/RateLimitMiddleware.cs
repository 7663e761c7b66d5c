using Tributary.Server.Hosting;

namespace Tributary.Server.Http;

/// <summary>
/// The per-environment rate limit (<see cref="TributaryServerOptions.RateLimitPerMinute"/>; 0 turns it off), and the
/// per-address limit on failed authentications (<see cref="FailedAuthenticationsPerMinute"/>, always on).
/// Every answer to an authenticated request carries <c>X-RateLimit-Limit</c>, <c>X-RateLimit-Remaining</c> and
/// <c>X-RateLimit-Reset</c> (unix seconds); a refused one is 429 <c>too_many_request</c> with <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// The environment is known only from the key, so this authenticates the request itself (a cached hash lookup;
/// the endpoint's own check then hits the same cache). Requests without a valid key are not counted against an
/// environment: they are refused with 401, and each 401 counts against the client's address. An address that has
/// had <see cref="FailedAuthenticationsPerMinute"/> 401s in its window is answered 429 for the rest of it, before
/// any key is looked up, whatever key it sends: guessing keys costs the guesser a minute per 60 tries, and the
/// server no database work.
/// </remarks>
internal sealed class RateLimitMiddleware
{
    /// <summary>401 answers one remote address may receive per minute before its requests are refused with 429.</summary>
    public const int FailedAuthenticationsPerMinute = 60;

    private readonly RequestDelegate _next;
    private readonly RateLimitWindows<RateLimitBucket>? _windows;
    private readonly RateLimitWindows<string> _failures;

    public RateLimitMiddleware(RequestDelegate next, TributaryServerOptions options, TimeProvider timeProvider)
    {
        _next = next;
        _windows = options.RateLimitPerMinute > 0 ? new RateLimitWindows<RateLimitBucket>(options.RateLimitPerMinute, timeProvider) : null;
        _failures = new RateLimitWindows<string>(FailedAuthenticationsPerMinute, timeProvider);
    }

    public async Task InvokeAsync(HttpContext context, ApiKeyAuthentication authentication)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
        var failures = _failures.Peek(address);
        if (!failures.Allowed)
        {
            await RefuseAsync(
                context,
                failures,
                n => $"Too many failed authentications: this address may fail {n} per minute. Retry after {{0}} seconds.");
            return;
        }

        await LimitEnvironmentAsync(context, authentication);
        if (context.Response.StatusCode == StatusCodes.Status401Unauthorized)
        {
            _failures.Take(address);
        }
    }

    private async Task LimitEnvironmentAsync(HttpContext context, ApiKeyAuthentication authentication)
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
        if (decision.Allowed)
        {
            WriteHeaders(context, decision);
            await _next(context);
            return;
        }

        await RefuseAsync(context, decision, n => $"Too many requests: this environment may send {n} per minute. Retry after {{0}} seconds.");
    }

    private static void WriteHeaders(HttpContext context, RateLimitDecision decision)
    {
        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    }

    private static async Task RefuseAsync(HttpContext context, RateLimitDecision decision, Func<int, string> messageFormat)
    {
        WriteHeaders(context, decision);
        var retryAfter = Math.Max(1, (long)Math.Ceiling(decision.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        var message = string.Format(CultureInfo.InvariantCulture, messageFormat(decision.Limit), retryAfter);
        var body = new TooManyRequestsBody(
            new TooManyRequestsDetail("too_many_request", message, context.Request.Method, context.Request.Path.Value), message);
        await JsonResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, body, JsonResponses.Json.TooManyRequestsBody);
    }
}
