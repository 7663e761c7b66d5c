using Tributary.Core.Domain;
using Tributary.Core.Security;

namespace Tributary.Server.Dashboard;

/// <summary>
/// The dashboard's session: sign-in with a secret key (<c>POST /dashboard/session</c>), who is signed in and the CSRF
/// token (<c>GET</c>), sign-out (<c>DELETE</c>), and the checks every other dashboard request goes through.
/// </summary>
/// <remarks>
/// The cookie is HttpOnly (scripts never see the ticket), SameSite=Strict (no other site's page sends it), scoped to
/// the dashboard's path, and Secure when the request came over HTTPS. CSRF: a state-changing request must echo the
/// session's token in <see cref="CsrfHeader"/> (a custom header no cross-site form can set, and which the page reads
/// from <c>GET /dashboard/session</c>), and an <c>Origin</c> or <c>Sec-Fetch-Site</c> it carries must say same-origin.
/// Sign-in has no session yet: it must be a JSON body from the same origin, which a cross-site form cannot send.
/// </remarks>
internal sealed class DashboardSessions
{
    public const string CookieName = "tributary_dashboard";
    public const string CsrfHeader = "X-Tributary-Csrf";
    private const int MaxSignInBytes = 4096;

    public static readonly ApiError SessionRequired = new(
        401, "dashboard_session_required", "Sign in to the dashboard: the session is missing or has expired.");

    private static readonly ApiError CsrfRefused = new(
        403, "csrf_token_invalid", $"State-changing dashboard requests must carry the session's {CsrfHeader} header.");

    private static readonly ApiError CrossOrigin = new(
        403, "cross_origin_request", "Dashboard requests must come from the dashboard's own origin.");

    private readonly DashboardTickets _tickets;
    private readonly ApiKeyAuthentication _keys;

    public DashboardSessions(DashboardTickets tickets, ApiKeyAuthentication keys)
    {
        _tickets = tickets;
        _keys = keys;
    }

    /// <summary>The request's session and the live key behind it; both null when there is none, or its key was revoked.</summary>
    public async Task<(DashboardSession? Session, ApiKeyInfo? Key)> AuthenticateAsync(HttpContext context)
    {
        var session = _tickets.Open(context.Request.Cookies[CookieName]);
        if (session is null)
        {
            return (null, null);
        }

        var key = await _keys.FindAsync(session.KeyHash, context.RequestAborted);
        return key is null ? (null, null) : (session, key);
    }

    /// <summary>Null when the request may go on: a safe method, or a same-origin request echoing the CSRF token.</summary>
    public static ApiError? CheckStateChange(HttpContext context, DashboardSession session)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            return null;
        }

        if (!IsSameOrigin(context.Request))
        {
            return CrossOrigin;
        }

        return session.AcceptsCsrf(context.Request.Headers[CsrfHeader].ToString()) ? null : CsrfRefused;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsPost(method))
        {
            await SignInAsync(context);
            return;
        }

        var (session, key) = await AuthenticateAsync(context);
        if (session is null || key is null)
        {
            await JsonResponses.ErrorAsync(context, SessionRequired);
            return;
        }

        if (HttpMethods.IsGet(method))
        {
            await WriteSessionAsync(context, session, key);
        }
        else if (HttpMethods.IsDelete(method))
        {
            if (CheckStateChange(context, session) is { } refused)
            {
                await JsonResponses.ErrorAsync(context, refused);
                return;
            }

            context.Response.Cookies.Delete(CookieName, CookieOptions(context));
            await JsonResponses.SuccessAsync(context);
        }
        else
        {
            await JsonResponses.ErrorAsync(context, new ApiError(405, "method_not_allowed", "Use POST to sign in, GET to read the session, DELETE to sign out."));
        }
    }

    private async Task SignInAsync(HttpContext context)
    {
        if (!IsSameOrigin(context.Request))
        {
            await JsonResponses.ErrorAsync(context, CrossOrigin);
            return;
        }

        if (!(context.Request.ContentType ?? string.Empty).StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            await JsonResponses.ErrorAsync(context, new ApiError(415, "unsupported_media_type", "Sign in with a JSON body: {\"secret_key\": \"…\"}."));
            return;
        }

        var secret = await ReadSecretAsync(context);
        if (secret is null)
        {
            await JsonResponses.ErrorAsync(context, new ApiError(400, "invalid_body", "Sign in with a JSON body: {\"secret_key\": \"…\"}."));
            return;
        }

        if (!ApiKeys.IsUuidV4(secret.Trim()))
        {
            await JsonResponses.ErrorAsync(context, ApiKeyAuthentication.Unauthorized(
                "invalid_secret_key_format", "Authentication failed. The provided secret key is not a UUID v4."));
            return;
        }

        var hash = ApiKeys.Hash(secret);
        var key = await _keys.FindAsync(hash, context.RequestAborted);
        if (key is null)
        {
            // A 401: the rate limiter counts it against this address, like a wrong Bearer key.
            await JsonResponses.ErrorAsync(context, ApiKeyAuthentication.UnknownAccount());
            return;
        }

        var session = _tickets.Issue(hash);
        var options = CookieOptions(context);
        options.MaxAge = DashboardTickets.Lifetime;
        context.Response.Cookies.Append(CookieName, _tickets.Seal(session), options);
        await WriteSessionAsync(context, session, key);
    }

    private static async Task<string?> ReadSecretAsync(HttpContext context)
    {
        var buffer = new byte[MaxSignInBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length
            && (read = await context.Request.Body.ReadAsync(buffer.AsMemory(length), context.RequestAborted)) > 0)
        {
            length += read;
        }

        if (length > MaxSignInBytes)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("secret_key", out var value)
                && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task WriteSessionAsync(HttpContext context, DashboardSession session, ApiKeyInfo key)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = JsonResponses.ContentType;
        await using var writer = new Utf8JsonWriter(context.Response.Body, JsonResponses.WriterOptions with { SkipValidation = false });
        writer.WriteStartObject();
        writer.WriteString("environment", key.EnvironmentName);
        writer.WriteString("key_name", key.Name);
        writer.WriteStartArray("scopes");
        foreach (var scope in key.Scopes)
        {
            writer.WriteStringValue(scope);
        }

        writer.WriteEndArray();
        writer.WriteString("csrf_token", session.CsrfToken);
        writer.WriteString("expires_at", session.ExpiresAt);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    private static CookieOptions CookieOptions(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = $"{context.Request.PathBase}{DashboardMiddleware.Prefix}",
        IsEssential = true,
    };

    // A browser says where a request comes from in Origin (fetch, forms) and Sec-Fetch-Site; a client that sends
    // neither (curl) is no browser an attacker's page could drive.
    private static bool IsSameOrigin(HttpRequest request)
    {
        var fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0 || string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);
    }
}
