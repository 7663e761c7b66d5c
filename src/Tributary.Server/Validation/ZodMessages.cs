namespace Tributary.Server.Validation;

/// <summary>
/// The English messages of zod v4, which Nango forwards verbatim; clients and tests compare them as strings.
/// </summary>
internal static class ZodMessages
{
    public static string ExpectedType(string expected, string received) =>
        $"Invalid input: expected {expected}, received {received}";

    public static string Pattern(ZodPattern pattern) => $"Invalid string: must match pattern {pattern.Display}";

    public static string StringTooSmall(int minimum) => $"Too small: expected string to have >={minimum} characters";

    public static string StringTooBig(int maximum) => $"Too big: expected string to have <={maximum} characters";

    public static string ArrayTooBig(int maximum) => $"Too big: expected array to have <={maximum} items";

    public static string NumberTooSmall(int minimum) => $"Too small: expected number to be >={minimum}";

    public static string NumberTooBig(int maximum) => $"Too big: expected number to be <={maximum}";

    public static string OneOf(IEnumerable<string> options) =>
        "Invalid option: expected one of " + string.Join('|', options.Select(Quote));

    public static string UnrecognizedKeys(IReadOnlyList<string> keys) =>
        (keys.Count > 1 ? "Unrecognized keys: " : "Unrecognized key: ") + string.Join(", ", keys.Take(InputLimits.MaxIssues).Select(Quote))
        + (keys.Count > InputLimits.MaxIssues ? $" (and {keys.Count - InputLimits.MaxIssues} more)" : string.Empty);

    public const string InvalidInput = "Invalid input";

    public const string InvalidIsoDatetime = "Invalid ISO datetime";

    // zod quotes strings without escaping them; a received value is cut so an answer stays small.
    private static string Quote(string value) => $"\"{InputLimits.Bounded(value)}\"";
}
