namespace Tributary.Server.Validation;

/// <summary>Collects every issue of one validation stage, in the order zod would report them.</summary>
internal sealed class IssueList
{
    private readonly List<ValidationIssue> _issues = [];

    public bool IsEmpty => _issues.Count == 0;

    public IReadOnlyList<ValidationIssue> Items => _issues;

    public void Add(string code, string message, IReadOnlyList<string> path) =>
        _issues.Add(new ValidationIssue(code, message, path));

    public void AddUnrecognizedKeys(IReadOnlyList<string> keys, IReadOnlyList<string> path)
    {
        // zod v4 reports all unknown keys of one object as a single issue, after the known keys' issues.
        if (keys.Count > 0)
        {
            Add(ZodCodes.UnrecognizedKeys, ZodMessages.UnrecognizedKeys(keys), path);
        }
    }
}
