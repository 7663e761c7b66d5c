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
        if (!TextGuard.Check(text, path, issues))
        {
            return null;
        }

        return rule.Check(text, path, issues) ? text : null;
    }

    /// <summary>An optional <c>"true"</c>/<c>"false"</c> parameter (Nango's <c>stringBool</c>).</summary>
    public static bool? ReadStringBool(QueryInput query, string key, IssueList issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        var text = ReadString(query, key, required: false, StringRule.Any, issues);
        switch (text)
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                issues.Add(ZodCodes.InvalidValue, ZodMessages.OneOf(["true", "false"]), [key]);
                return null;
        }
    }

    /// <summary>An optional whole number within <paramref name="rule"/>, coerced as <c>z.coerce.number()</c> does.</summary>
    public static int? ReadInteger(QueryInput query, string key, NumberRule rule, IssueList issues)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var text = ReadString(query, key, required: false, StringRule.Any, issues);
        return text is null ? null : rule.Check(JsNumber.FromString(text), [key], issues);
    }

    /// <summary>An optional value that must be one of <paramref name="options"/> (a zod enum).</summary>
    public static string? ReadOneOf(QueryInput query, string key, IReadOnlyList<string> options, IssueList issues)
    {
        ArgumentNullException.ThrowIfNull(options);
        var text = ReadString(query, key, required: false, StringRule.Any, issues);
        if (text is null || options.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        issues.Add(ZodCodes.InvalidValue, ZodMessages.OneOf(options), [key]);
        return null;
    }

    public static void RejectUnknownKeys(QueryInput query, IReadOnlyCollection<string> known, IssueList issues) =>
        issues.AddUnrecognizedKeys(query.KeysOutside(known), IssuePath.Root);
}
