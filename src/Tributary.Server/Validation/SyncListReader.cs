using System.Globalization;
using System.Text.Json;

namespace Tributary.Server.Validation;

/// <summary>
/// Reads the <c>syncs</c> array of trigger, pause and start: each item a string or a <c>{name, variant}</c>
/// object, each failing item reported once as <c>invalid_union</c> at its index.
/// </summary>
internal sealed class SyncListReader(string itemMessage, bool strictItems, int? maxItems)
{
    private const string Key = "syncs";

    /// <summary>Trigger: objects may carry extra keys (stripped) and failures get a custom message.</summary>
    public static SyncListReader ForTrigger { get; } = new(
        "Each sync must be either a string or a { name: string, variant: string } object",
        strictItems: false,
        maxItems: null);

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
            return SyncIdentifier.Parse(item.GetString() ?? string.Empty);
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
                    name = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    break;
                case "variant":
                    variant = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
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
}
