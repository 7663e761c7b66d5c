using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tributary.Server.Validation;

/// <summary>
/// Nango's connection tags (<c>connectionTagsSchema</c>, and <c>connectionEndUserTagsSchema</c> whose values may be
/// empty), for connect sessions' <c>tags</c> and <c>end_user.tags</c>, <c>PATCH /connections/{id}</c>'s body and the
/// list's <c>tags[key]=value</c> filters: keys start with a letter and hold letters, digits, <c>_ - . /</c>, at most 64
/// (zod's "Invalid key in record" otherwise); values strings of at most 255; at most 10 keys; no two keys equal once
/// lower-cased; an <c>end_user_email</c> tag an email.
/// </summary>
internal static partial class ConnectionTags
{
    private const int MaxTags = 10;
    private const int MaxKeyLength = 64;
    private const int MaxValueLength = 255;

    /// <summary>A record of tags as given in a body (an object, else zod's "expected record").</summary>
    /// <param name="minValueLength">1 for a connection's tags, 0 for an end user's.</param>
    public static void CheckRecord(JsonNode node, IReadOnlyList<string> path, int minValueLength, IssueList issues)
    {
        if (node is not JsonObject map)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("record", JsonTypeName.Of(node)), path);
            return;
        }

        Check([.. map], path, minValueLength, issues);
    }

    /// <param name="minValueLength">1 for a connection's tags, 0 for an end user's.</param>
    public static void Check(IReadOnlyList<KeyValuePair<string, JsonNode?>> tags, IReadOnlyList<string> path, int minValueLength, IssueList issues)
    {
        foreach (var (key, value) in tags)
        {
            if (key.Length > MaxKeyLength || !TagKey().IsMatch(key))
            {
                issues.Add("invalid_key", "Invalid key in record", [.. path, key]);
                continue;
            }

            ConnectSessionRequestParser.CheckString(value, [.. path, key], minValueLength, MaxValueLength, required: true, issues);
        }

        if (tags.Count > MaxTags)
        {
            issues.Add(ZodCodes.Custom, string.Create(CultureInfo.InvariantCulture, $"Tags cannot contain more than {MaxTags} keys"), path);
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            var normalized = key.ToLowerInvariant();
            if (!seen.Add(normalized))
            {
                issues.Add(ZodCodes.Custom, $"Duplicate tag key after case normalization: \"{normalized}\"", path);
            }

            if (normalized == "end_user_email" && !(value is JsonValue text && text.TryGetValue<string>(out var email)
                && email.Length >= 5 && ConnectSessionRequestParser.EmailPattern().IsMatch(email)))
            {
                issues.Add(ZodCodes.Custom, "Tag \"end_user_email\" must be a valid email", path);
            }
        }
    }

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9_\\-./]*\\z")]
    private static partial Regex TagKey();
}
