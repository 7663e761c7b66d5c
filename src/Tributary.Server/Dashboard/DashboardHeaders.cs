namespace Tributary.Server.Dashboard;

/// <summary>The security headers of every dashboard answer: pages, files, session calls and API calls alike.</summary>
internal static class DashboardHeaders
{
    /// <summary>
    /// Only the dashboard's own files may run or style the page, and it may only talk to its own origin: no inline
    /// script or style (the pages have none), no eval, no frames, no plugins. Data an attacker controls (record
    /// payloads, metadata) is only ever set as text, and this is the second wall if that ever slipped.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
    }
}
