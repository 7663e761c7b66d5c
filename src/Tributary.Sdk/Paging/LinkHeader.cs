using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Tributary.Sdk.Paging;

/// <summary>Reads RFC 8288 <c>Link</c> headers: <c>&lt;url&gt;; rel="next", &lt;url&gt;; rel="last"</c>.</summary>
internal static partial class LinkHeader
{
    /// <summary>The target of the first link whose <c>rel</c> (a space-separated list) holds <paramref name="rel"/>.</summary>
    public static string? Find(HttpResponseHeaders headers, string rel)
    {
        if (!headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            foreach (Match link in Links().Matches(value))
            {
                foreach (Match parameter in RelParameter().Matches(link.Groups["params"].Value))
                {
                    var rels = parameter.Groups["value"].Value.Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (rels.Contains(rel, StringComparer.OrdinalIgnoreCase))
                    {
                        return link.Groups["target"].Value.Trim();
                    }
                }
            }
        }

        return null;
    }

    [GeneratedRegex("<(?<target>[^>]*)>(?<params>(?:\\s*;\\s*[^;,\"=\\s]+\\s*(?:=\\s*(?:\"[^\"]*\"|[^;,]*))?)*)")]
    private static partial Regex Links();

    [GeneratedRegex("(?:^|;)\\s*rel\\s*=\\s*(?<value>\"[^\"]*\"|[^;,\\s]+)", RegexOptions.IgnoreCase)]
    private static partial Regex RelParameter();
}
