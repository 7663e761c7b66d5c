namespace Tributary.Core.Configuration;

/// <summary>Reads the keys of a configuration mapping whose keys are names chosen by the user.</summary>
internal static class MappingEntries
{
    /// <summary>
    /// The entries in document order. A key that is not a non-empty string, or that repeats an earlier
    /// key, is reported and left out: YAML gives no meaning to the second occurrence, and silently
    /// keeping either one would hide a mistake.
    /// </summary>
    public static IReadOnlyList<ConfigEntry> Read(YamlTreeMapping mapping, string path, ConfigErrorSink errors)
    {
        var entries = new List<ConfigEntry>();
        var firstLines = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in mapping.Entries)
        {
            if (entry.Key is not YamlTreeScalar { IsNull: false, Value.Length: > 0 } key)
            {
                errors.Add(entry.Key.Line, path, "a key must be a non-empty string");
                continue;
            }

            var keyPath = ConfigPath.Child(path, key.Value);
            if (firstLines.TryGetValue(key.Value, out var firstLine))
            {
                errors.Add(key.Line, keyPath, $"duplicate key '{key.Value}' (first defined on line {firstLine})");
                continue;
            }

            firstLines.Add(key.Value, key.Line);
            entries.Add(new ConfigEntry(key.Value, key.Line, keyPath, entry.Value));
        }

        return entries;
    }

    /// <summary>
    /// Reads every entry of <paramref name="mapping"/> (null when the value was not a mapping, already reported) with
    /// <paramref name="read"/>, keeping those it reads; the others reported their own errors.
    /// </summary>
    public static List<T> ReadEach<T>(YamlTreeMapping? mapping, string path, ConfigErrorSink errors, Func<ConfigEntry, T?> read)
        where T : class
    {
        var items = new List<T>();
        if (mapping is null)
        {
            return items;
        }

        foreach (var entry in Read(mapping, path, errors))
        {
            if (read(entry) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }
}
