namespace Tributary.Server.Validation;

/// <summary>zod-style readers for query parameters.</summary>
internal static class QueryFields
{
    private const string ArrayTypeName = "array";

    /// <summary>Reads a single-valued parameter; <c>null</c> means absent (when optional) or invalid (an issue was added).</summary>
    public static string? ReadString(QueryInput query, string key, bool required, StringRule rule, IssueList issues)
    {
        IReadOnlyList<string> path = [key];
        if (!query.TryGet(key, out var values))
        {
            if (required)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Undefined), path);
            }

            return null;
        }

        if (values.Count > 1)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", ArrayTypeName), path);
            return null;
        }

        var text = values[0] ?? string.Empty;
        return rule.Check(text, path, issues) ? text : null;
    }

    public static void RejectUnknownKeys(QueryInput query, IReadOnlyCollection<string> known, IssueList issues) =>
        issues.AddUnrecognizedKeys(query.KeysOutside(known), IssuePath.Root);
}
