namespace Tributary.Server.Validation;

/// <summary>
/// Reads the <c>syncs</c> array of trigger, pause and start: each item a string or a <c>{name, variant}</c>
/// object, each failing item reported once as <c>invalid_union</c> at its index.
/// </summary>
internal sealed class SyncListReader(string itemMessage, bool strictItems, int? maxItems)
{
    private const string Key = "syncs";

    /// <summary>
    /// Trigger: objects may carry extra keys (stripped) and failures get a custom message. Nango has no cap; ours
    /// bounds the work and the answer of one request.
    /// </summary>
    public static SyncListReader ForTrigger { get; } = new(
        "Each sync must be either a string or a { name: string, variant: string } object",
        strictItems: false,
        maxItems: InputLimits.MaxTriggerSyncs);

    /// <summary>Pause and start: strict objects, zod's default union message, at most 256 items.</summary>
    public static SyncListReader ForPauseAndStart { get; } = new(ZodMessages.InvalidInput, strictItems: true, maxItems: 256);

    public IReadOnlyList<SyncIdentifier>? Read(JsonObjectInput body, IssueList issues)
    {
        IReadOnlyList<string> path = [Key];
        if (!body.TryGet(Key, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            var received = body.TryGet(Key, out var present) ? JsonTypeName.Of(present) : JsonTypeName.Undefined;
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("array", received), path);
            return null;
        }

        var syncs = new List<SyncIdentifier>();
        var valid = true;
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            // Once the answer is nearly full (one place kept for too_big) or the cap is passed with an item already
            // bad, only the count matters: no item is kept and more issues would not be shown.
            if (issues.Count >= InputLimits.MaxIssues - 1 || (maxItems is { } cap && index >= cap && !valid))
            {
                index++;
                valid = false;
                continue;
            }

            if (TryReadItem(item) is { } sync)
            {
                syncs.Add(sync);
            }
            else
            {
                issues.Add(ZodCodes.InvalidUnion, itemMessage, [Key, index.ToString(CultureInfo.InvariantCulture)]);
                valid = false;
            }

            index++;
        }

        // zod runs the length check even when items failed, and reports it after them.
        if (maxItems is { } max && index > max)
        {
            issues.Add(ZodCodes.TooBig, ZodMessages.ArrayTooBig(max), path);
            valid = false;
        }

        return valid ? syncs : null;
    }

    private SyncIdentifier? TryReadItem(JsonElement item)
    {
        if (item.ValueKind == JsonValueKind.String)
        {
            return ReadText(item) is { } text ? SyncIdentifier.Parse(text) : null;
        }

        if (item.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? name = null;
        string? variant = null;
        foreach (var property in item.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name":
                    name = ReadText(property.Value);
                    break;
                case "variant":
                    variant = ReadText(property.Value);
                    break;
                default:
                    if (strictItems)
                    {
                        return null;
                    }

                    break;
            }
        }

        return name is not null && variant is not null ? new SyncIdentifier(name, variant) : null;
    }

    /// <summary>A clean string item, or null (the item then fails as a whole, as zod's union does).</summary>
    private static string? ReadText(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && TextGuard.TryGetString(value, out var text) && TextGuard.FindProblem(text) is null
            ? text
            : null;
}
