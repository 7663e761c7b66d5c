using Tributary.Core.Providers;

namespace Tributary.Core.Declarative;

/// <summary>
/// The <c>${namespace.key}</c> placeholders of a <c>rest:</c> block. Only three namespaces exist — the connection's
/// config, its metadata and the sync's checkpoint — so a template can never reach credentials or the environment.
/// </summary>
public static class RestTemplate
{
    /// <summary>The namespaces a placeholder may name.</summary>
    public static IReadOnlyList<string> Namespaces { get; } = ["connectionConfig", "metadata", "checkpoint"];

    /// <summary>What is wrong with <paramref name="template"/>'s placeholders, or null when each names a known namespace and a key.</summary>
    public static string? Check(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var at = 0;
        while ((at = template.IndexOf("${", at, StringComparison.Ordinal)) >= 0)
        {
            var end = template.IndexOf('}', at + 2);
            if (end < 0)
            {
                return $"'{template}' has a '${{' without its closing '}}'";
            }

            var name = template[(at + 2)..end].Trim();
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            var space = dot < 0 ? name : name[..dot];
            if (!Namespaces.Contains(space, StringComparer.Ordinal))
            {
                return $"'${{{name}}}' names an unknown namespace '{space}' (use {string.Join(", ", Namespaces.Select(n => n + ".x"))})";
            }

            if (dot < 0 || dot == name.Length - 1)
            {
                return $"'${{{name}}}' names no key (write ${{{space}.some_key}})";
            }

            at = end + 1;
        }

        return null;
    }

    /// <summary>The template filled from <paramref name="values"/>, or null when a placeholder has no value.</summary>
    public static string? Fill(string template, Func<string, string?> values) => Interpolation.Fill(template, values);
}
