using System.Text;

namespace Tributary.Core.Engine;

/// <summary>
/// A provider URL as a run's log shows it: user info dropped and the value of every query parameter whose name
/// looks like a secret (token, key, secret, password, signature, code, auth…) replaced by <c>[redacted]</c>.
/// </summary>
public static class ProviderUrls
{
    private static readonly string[] SecretNameParts = ["token", "key", "secret", "password", "passwd", "signature", "sig", "code", "auth", "credential", "session"];

    public static string Redact(Uri? uri)
    {
        if (uri is null)
        {
            return "(no URL)";
        }

        if (!uri.IsAbsoluteUri)
        {
            return RedactQuery(uri.OriginalString);
        }

        var builder = new StringBuilder();
        builder.Append(uri.Scheme).Append("://").Append(uri.Authority).Append(uri.AbsolutePath);
        if (uri.Query.Length > 1)
        {
            builder.Append('?').Append(RedactPairs(uri.Query[1..]));
        }

        return builder.ToString();
    }

    private static string RedactQuery(string url)
    {
        var q = url.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? url : string.Concat(url.AsSpan(0, q + 1), RedactPairs(url[(q + 1)..]));
    }

    private static string RedactPairs(string query)
    {
        var pairs = query.Split('&');
        for (var i = 0; i < pairs.Length; i++)
        {
            var eq = pairs[i].IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? pairs[i] : pairs[i][..eq]);
            if (eq >= 0 && IsSecretName(name))
            {
                pairs[i] = pairs[i][..(eq + 1)] + "[redacted]";
            }
        }

        return string.Join('&', pairs);
    }

    private static bool IsSecretName(string name)
    {
        foreach (var part in SecretNameParts)
        {
            if (name.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
