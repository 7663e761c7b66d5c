namespace Tributary.Server.Validation;

/// <summary>
/// The one guarded string reader: every string taken from a request goes through it, so invalid UTF-8, lone
/// surrogates and NUL become a zod-style issue instead of an exception or a row PostgreSQL refuses (22021).
/// </summary>
internal static class TextGuard
{
    public const string InvalidUnicodeMessage = "Invalid string: not valid UTF-8 text (invalid bytes or a lone surrogate)";

    public const string NulMessage = "Invalid string: must not contain the NUL character (\\u0000)";

    /// <summary>Reads a JSON string value; on failure adds one issue at <paramref name="path"/> and returns false.</summary>
    public static bool TryRead(JsonElement element, IReadOnlyList<string> path, IssueList issues, out string text)
    {
        ArgumentNullException.ThrowIfNull(issues);
        if (!TryGetString(element, out text))
        {
            issues.Add(ZodCodes.InvalidFormat, InvalidUnicodeMessage, path);
            return false;
        }

        return Check(text, path, issues);
    }

    /// <summary>Checks a string that is already decoded (a query value, a route value, a property name).</summary>
    public static bool Check(string text, IReadOnlyList<string> path, IssueList issues)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(issues);
        if (FindProblem(text) is { } problem)
        {
            issues.Add(ZodCodes.InvalidFormat, problem, path);
            return false;
        }

        return true;
    }

    /// <summary>The message for what is wrong with <paramref name="text"/>, or null when it is clean.</summary>
    public static string? FindProblem(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return NulMessage;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return InvalidUnicodeMessage;
            }
        }

        return null;
    }

    /// <summary>
    /// <see cref="JsonElement.GetString"/> without its exception: System.Text.Json hands out invalid UTF-8 and
    /// escaped lone surrogates unvalidated until they are transcoded.
    /// </summary>
    public static bool TryGetString(JsonElement element, out string text)
    {
        try
        {
            text = element.GetString() ?? string.Empty;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = string.Empty;
            return false;
        }
    }

    /// <summary>A property's name, or false when the name itself is not valid text.</summary>
    public static bool TryGetName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = string.Empty;
            return false;
        }
    }
}
