using System.Text.RegularExpressions;

namespace Tributary.Core.Configuration;

/// <summary>Builds the field paths that error messages show, such as <c>integrations.demo.syncs.contacts.models[1]</c>.</summary>
internal static partial class ConfigPath
{
    public static string Child(string parent, string key)
    {
        // Integration keys may contain dots and spaces; quoting them keeps the path unambiguous.
        var segment = SimpleSegment().IsMatch(key) ? key : $"['{key}']";
        if (parent.Length == 0)
        {
            return segment;
        }

        return segment[0] == '[' ? parent + segment : $"{parent}.{segment}";
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    [GeneratedRegex(@"^[A-Za-z0-9_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleSegment();
}
