using Tributary.Server.Hosting;

namespace Tributary.Server.Connect;

/// <summary>The server's public address: <see cref="TributaryServerOptions.PublicUrl"/>, else the request's own.</summary>
internal static class ConnectUrls
{
    public static string PublicBase(HttpContext context)
    {
        var configured = context.RequestServices.GetService<TributaryServerOptions>()?.PublicUrl;
        return !string.IsNullOrEmpty(configured)
            ? configured.TrimEnd('/')
            : $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
    }

    public static string Callback(HttpContext context) => PublicBase(context) + "/oauth/callback";
}
