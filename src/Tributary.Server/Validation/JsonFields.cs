namespace Tributary.Server.Validation;

/// <summary>zod-style readers for the members of a JSON object.</summary>
internal static class JsonFields
{
    /// <summary>Reads a string member; <c>null</c> means absent (when optional) or invalid (an issue was added).</summary>
    public static string? ReadString(
        JsonObjectInput obj,
        string key,
        bool required,
        StringRule rule,
        IReadOnlyList<string> parentPath,
        IssueList issues)
    {
        var path = IssuePath.Of(parentPath, key);
        if (!obj.TryGet(key, out var value))
        {
            if (required)
            {
                issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Undefined), path);
            }

            return null;
        }

        // zod's optional() admits only undefined: an explicit null is a type error.
        if (value.ValueKind != JsonValueKind.String)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("string", JsonTypeName.Of(value)), path);
            return null;
        }

        if (!TextGuard.TryRead(value, path, issues, out var text))
        {
            return null;
        }

        return rule.Check(text, path, issues) ? text : null;
    }

    public static bool? ReadOptionalBoolean(JsonObjectInput obj, string key, IReadOnlyList<string> parentPath, IssueList issues)
    {
        if (!obj.TryGet(key, out var value))
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            default:
                issues.Add(
                    ZodCodes.InvalidType,
                    ZodMessages.ExpectedType("boolean", JsonTypeName.Of(value)),
                    IssuePath.Of(parentPath, key));
                return null;
        }
    }

    public static void RejectUnknownKeys(
        JsonObjectInput obj,
        IReadOnlyCollection<string> known,
        IReadOnlyList<string> path,
        IssueList issues) =>
        issues.AddUnrecognizedKeys(obj.KeysOutside(known), path);
}
