namespace Tributary.Server.Validation;

/// <summary>Collects the issues of one validation stage, in the order zod would report them.</summary>
/// <remarks>
/// Keeps the first <see cref="InputLimits.MaxIssues"/> only: a list of a million bad items must not become a
/// million-entry answer. Each path segment is cut as an echoed value is (a key may be a megabyte long).
/// </remarks>
internal sealed class IssueList
{
    private readonly List<ValidationIssue> _issues = [];

    public bool IsEmpty => _issues.Count == 0;

    public int Count => _issues.Count;

    /// <summary>True once the cap is reached; readers of long lists may stop early.</summary>
    public bool IsFull => _issues.Count >= InputLimits.MaxIssues;

    public IReadOnlyList<ValidationIssue> Items => _issues;

    public void Add(string code, string message, IReadOnlyList<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (IsFull)
        {
            return;
        }

        var bounded = path.Any(segment => segment.Length > InputLimits.MaxEchoedChars)
            ? path.Select(segment => InputLimits.Bounded(segment)).ToArray()
            : path;
        _issues.Add(new ValidationIssue(code, message, bounded));
    }

    public void AddUnrecognizedKeys(IReadOnlyList<string> keys, IReadOnlyList<string> path)
    {
        // zod v4 reports all unknown keys of one object as a single issue, after the known keys' issues.
        if (keys.Count > 0)
        {
            Add(ZodCodes.UnrecognizedKeys, ZodMessages.UnrecognizedKeys(keys), path);
        }
    }
}
