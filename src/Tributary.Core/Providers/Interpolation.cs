using System.Text;

namespace Tributary.Core.Providers;

/// <summary>
/// Fills Nango's <c>${…}</c> placeholders (<c>${connectionConfig.subdomain}</c>, <c>${apiKey}</c>,
/// <c>${accessToken}</c>, <c>${credentials.x}</c>) from a lookup. A template with a placeholder the lookup cannot
/// fill gives null: Nango drops such a header or query parameter rather than sending a literal <c>${…}</c>.
/// </summary>
public static class Interpolation
{
    public static string? Fill(string template, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(lookup);
        if (!template.Contains("${", StringComparison.Ordinal))
        {
            return template;
        }

        var result = new StringBuilder(template.Length);
        var at = 0;
        while (at < template.Length)
        {
            var start = template.IndexOf("${", at, StringComparison.Ordinal);
            if (start < 0)
            {
                result.Append(template, at, template.Length - at);
                break;
            }

            var end = template.IndexOf('}', start + 2);
            if (end < 0)
            {
                return null;
            }

            result.Append(template, at, start - at);
            var value = lookup(template[(start + 2)..end].Trim());
            if (value is null)
            {
                return null;
            }

            result.Append(value);
            at = end + 1;
        }

        return result.ToString();
    }

    /// <summary>
    /// The first placeholder of a URL template that fills its host (after <c>://</c>, before the path) with a value that
    /// could end the host early (anything but letters, digits, <c>.</c>, <c>-</c>, <c>_</c> and a port's <c>:</c>); null
    /// when there is none. A connection config value comes from the end user's browser: <c>evil.example/x?</c> in
    /// <c>https://${connectionConfig.subdomain}.zendesk.com</c> would send the integration's client secret to another
    /// host (Nango does). A template whose whole host is a placeholder, or that is one from its first character (a
    /// self-hosted instance's URL), lets the config choose the host: that is the template's design, and a port stays
    /// allowed for it.
    /// </summary>
    public static string? UnsafeHostPlaceholder(string template, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(lookup);
        var scheme = template.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }

        var hostStart = scheme + 3;
        var pathStart = template.IndexOf('/', hostStart);
        var host = template[hostStart..(pathStart < 0 ? template.Length : pathStart)];
        return Placeholders(host).FirstOrDefault(name => lookup(name) is { } value && !IsHostText(value));
    }

    private static bool IsHostText(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':');

    /// <summary>
    /// <c>proxy.base_url</c>: <c>A || B</c> is A when A can be filled, else B (Nango picks A when its first
    /// <c>connectionConfig</c> key is set, which comes to the same).
    /// </summary>
    public static string? FillBaseUrl(string template, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(template);
        foreach (var alternative in template.Split("||", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Fill(alternative, lookup) is { } filled)
            {
                return filled;
            }
        }

        return null;
    }

    /// <summary>The names of the placeholders in <paramref name="template"/> (for validation).</summary>
    public static IEnumerable<string> Placeholders(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var at = 0;
        while ((at = template.IndexOf("${", at, StringComparison.Ordinal)) >= 0)
        {
            var end = template.IndexOf('}', at + 2);
            if (end < 0)
            {
                yield return template[(at + 2)..];
                yield break;
            }

            yield return template[(at + 2)..end].Trim();
            at = end + 1;
        }
    }
}
