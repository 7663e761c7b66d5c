namespace Tributary.Server.Validation;

/// <summary>
/// Checks a whole JSON body once, before any endpoint reads it: every string and property name is valid text
/// without NUL (<see cref="TextGuard"/>), and no object repeats a key.
/// </summary>
/// <remarks>
/// <c>JSON.parse</c> keeps a repeated key's last value, but such a document was stored as sent (metadata) and then
/// failed every run and every later metadata merge; refusing it is the one reading every consumer agrees on.
/// The walk stops once <see cref="InputLimits.MaxIssues"/> issues are found, so a hostile body costs one pass.
/// </remarks>
internal static class JsonBodyGuard
{
    public static string DuplicateKeyMessage(string key) =>
        $"Duplicate key \"{InputLimits.Bounded(key)}\": each key may appear once in an object";

    /// <returns>The <c>invalid_body</c> error, or null when the body is clean.</returns>
    public static ApiError? Check(JsonElement root)
    {
        var issues = new IssueList();
        Walk(root, [], issues);
        return issues.IsEmpty ? null : ApiErrors.InvalidBody(issues.Items);
    }

    private static void Walk(JsonElement element, List<string> path, IssueList issues)
    {
        if (issues.IsFull)
        {
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                TextGuard.TryRead(element, path.ToArray(), issues, out _);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    path.Add(index.ToString(CultureInfo.InvariantCulture));
                    Walk(item, path, issues);
                    path.RemoveAt(path.Count - 1);
                    if (issues.IsFull)
                    {
                        return;
                    }

                    index++;
                }

                break;
            case JsonValueKind.Object:
                WalkObject(element, path, issues);
                break;
        }
    }

    private static void WalkObject(JsonElement element, List<string> path, IssueList issues)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!TextGuard.TryGetName(property, out var name))
            {
                issues.Add(ZodCodes.InvalidFormat, TextGuard.InvalidUnicodeMessage, path.ToArray());
                return;
            }

            path.Add(name);
            if (TextGuard.Check(name, path.ToArray(), issues) && !seen.Add(name))
            {
                issues.Add(ZodCodes.Custom, DuplicateKeyMessage(name), path.ToArray());
            }

            Walk(property.Value, path, issues);
            path.RemoveAt(path.Count - 1);
            if (issues.IsFull)
            {
                return;
            }
        }
    }
}
