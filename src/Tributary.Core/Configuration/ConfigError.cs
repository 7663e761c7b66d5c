using System.Text;

namespace Tributary.Core.Configuration;

/// <summary>One problem in a configuration file.</summary>
/// <param name="Source">The file name (or other source name) the configuration came from.</param>
/// <param name="Line">1-based line of the problem, or 0 when it concerns the whole file.</param>
/// <param name="Path">Dotted path of the field, such as <c>integrations.demo.provider</c>; empty for the whole file.</param>
public sealed record ConfigError(string Source, int Line, string Path, string Message)
{
    /// <summary>Compiler-style form: <c>source:line: path: message</c>, leaving out what is unknown.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Source);
        if (Line > 0)
        {
            text.Append(':').Append(Line);
        }

        text.Append(": ");
        if (Path.Length > 0)
        {
            text.Append(Path).Append(": ");
        }

        return text.Append(Message).ToString();
    }
}
