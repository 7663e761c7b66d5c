namespace Tributary.Server.Validation;

/// <summary>
/// The checks of one zod string schema. All of them run and report, in declaration order (pattern, then
/// minimum, then maximum), because zod's string checks do not abort each other.
/// </summary>
internal sealed record StringRule(ZodPattern? Pattern = null, int? MinLength = null, int? MaxLength = null)
{
    public static StringRule Any { get; } = new();

    public static StringRule ProviderConfigKey { get; } = new(Patterns.ProviderConfigKey, MaxLength: 255);

    public static StringRule ConnectionId { get; } = new(Patterns.ConnectionId, MaxLength: 255);

    public static StringRule Name { get; } = new(Patterns.Name, MaxLength: 255);

    public static StringRule Model { get; } = new(Patterns.Model, MaxLength: 255);

    public static StringRule Cursor { get; } = new(MinLength: 1, MaxLength: 1000);

    public static StringRule RecordId { get; } = new(MinLength: 1, MaxLength: 256);

    /// <returns><c>true</c> when the value passed every check.</returns>
    public bool Check(string value, IReadOnlyList<string> path, IssueList issues)
    {
        var valid = true;
        if (Pattern is not null && !Pattern.IsMatch(value))
        {
            issues.Add(ZodCodes.InvalidFormat, ZodMessages.Pattern(Pattern), path);
            valid = false;
        }

        if (MinLength is { } min && value.Length < min)
        {
            issues.Add(ZodCodes.TooSmall, ZodMessages.StringTooSmall(min), path);
            valid = false;
        }

        if (MaxLength is { } max && value.Length > max)
        {
            issues.Add(ZodCodes.TooBig, ZodMessages.StringTooBig(max), path);
            valid = false;
        }

        return valid;
    }
}
