namespace Tributary.Core.Configuration;

/// <summary>
/// A YAML node with its 1-based line. Unlike YamlDotNet's representation model, mappings keep
/// duplicate keys, so the loader can report them alongside every other problem instead of stopping
/// at the first one.
/// </summary>
internal abstract record YamlTreeNode(int Line);

/// <param name="IsPlain">False for quoted and block scalars, which are never null.</param>
internal sealed record YamlTreeScalar(int Line, string Value, bool IsPlain) : YamlTreeNode(Line)
{
    /// <summary>The YAML 1.2 core schema's null: an empty or <c>~</c>/<c>null</c> plain scalar.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";
}

internal sealed record YamlTreeSequence(int Line, IReadOnlyList<YamlTreeNode> Items) : YamlTreeNode(Line);

/// <param name="Entries">In document order, duplicates included.</param>
internal sealed record YamlTreeMapping(int Line, IReadOnlyList<YamlTreeEntry> Entries) : YamlTreeNode(Line);

internal sealed record YamlTreeEntry(YamlTreeNode Key, YamlTreeNode Value);
