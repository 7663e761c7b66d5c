namespace Tributary.Core.Configuration;

/// <summary>A key of a mapping in the configuration file, with where it is and what it holds.</summary>
/// <param name="Path">The field path of this key, for error messages.</param>
internal sealed record ConfigEntry(string Key, int KeyLine, string Path, YamlTreeNode Value)
{
    /// <summary>True when the key is written without a value (or with an explicit null).</summary>
    public bool IsEmpty => Value is YamlTreeScalar { IsNull: true };

    /// <summary>The entry's mapping; a key written without a value counts as an empty mapping. Anything else is
    /// reported to <paramref name="errors"/> and gives null.</summary>
    public YamlTreeMapping? AsMapping(ConfigErrorSink errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (IsEmpty)
        {
            return new YamlTreeMapping(KeyLine, []);
        }

        if (Value is YamlTreeMapping mapping)
        {
            return mapping;
        }

        errors.Add(Value.Line, Path, "expected a mapping");
        return null;
    }
}
