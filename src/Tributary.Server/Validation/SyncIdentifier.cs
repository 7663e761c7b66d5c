namespace Tributary.Server.Validation;

/// <summary>A sync named by the caller: its name and variant (<c>base</c> unless named).</summary>
internal readonly record struct SyncIdentifier(string Name, string Variant)
{
    public const string BaseVariant = "base";

    private const string Separator = "::";

    /// <summary>
    /// Nango's <c>"name::variant"</c> shorthand: split at the first <c>::</c>; the variant is the next part
    /// (<c>"a::"</c> gives an empty variant, a third part is dropped); a plain name is the base variant.
    /// </summary>
    public static SyncIdentifier Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var separatorAt = value.IndexOf(Separator, StringComparison.Ordinal);
        if (separatorAt < 0)
        {
            return new SyncIdentifier(value, BaseVariant);
        }

        var rest = value[(separatorAt + Separator.Length)..];
        var variantEnd = rest.IndexOf(Separator, StringComparison.Ordinal);
        return new SyncIdentifier(value[..separatorAt], variantEnd < 0 ? rest : rest[..variantEnd]);
    }
}
