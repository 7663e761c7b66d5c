using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Tributary.FakeProviders;

/// <summary>
/// Page-number paging as GitHub does it: <c>per_page</c> (default 30, at most 100) and <c>page</c> (from 1), and an
/// RFC 8288 <c>Link</c> header whose URLs are absolute and keep every other query parameter.
/// </summary>
internal static class PageLinks
{
    public const int DefaultPerPage = 30;
    public const int MaxPerPage = 100;

    public static (int PerPage, int Page) Read(HttpRequest request)
    {
        var perPage = int.TryParse(request.Query["per_page"], CultureInfo.InvariantCulture, out var p) && p >= 1 ? Math.Min(p, MaxPerPage) : DefaultPerPage;
        var page = int.TryParse(request.Query["page"], CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : 1;
        return (perPage, page);
    }

    /// <summary>Sets <c>Link</c> for a result of <paramref name="total"/> items; nothing when it fits one page.</summary>
    public static void Write(HttpContext context, int page, int perPage, int total)
    {
        var lastPage = Math.Max(1, (total + perPage - 1) / perPage);
        var links = new List<string>(4);
        if (page > 1)
        {
            links.Add(Link(context.Request, Math.Min(page - 1, lastPage), "prev"));
        }

        if (page < lastPage)
        {
            links.Add(Link(context.Request, page + 1, "next"));
            links.Add(Link(context.Request, lastPage, "last"));
        }

        if (page > 1)
        {
            links.Add(Link(context.Request, 1, "first"));
        }

        if (links.Count > 0)
        {
            context.Response.Headers.Link = string.Join(", ", links);
        }
    }

    private static string Link(HttpRequest request, int page, string rel)
    {
        var url = new StringBuilder()
            .Append(request.Scheme).Append("://").Append(request.Host.Value)
            .Append(request.PathBase.Value).Append(request.Path.Value);
        var separator = '?';
        var wrotePage = false;
        foreach (var (name, values) in QueryHelpers.ParseQuery(request.QueryString.Value))
        {
            foreach (var value in values)
            {
                var v = string.Equals(name, "page", StringComparison.Ordinal) ? page.ToString(CultureInfo.InvariantCulture) : value;
                if (string.Equals(name, "page", StringComparison.Ordinal))
                {
                    if (wrotePage)
                    {
                        continue;
                    }

                    wrotePage = true;
                }

                url.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(v ?? ""));
                separator = '&';
            }
        }

        if (!wrotePage)
        {
            url.Append(separator).Append("page=").Append(page.ToString(CultureInfo.InvariantCulture));
        }

        return $"<{url}>; rel=\"{rel}\"";
    }
}
