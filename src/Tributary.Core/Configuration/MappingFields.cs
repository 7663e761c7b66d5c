namespace Tributary.Core.Configuration;

/// <summary>
/// Typed access to a configuration mapping with a fixed set of keys. Every problem is reported to the
/// sink and the value comes back as null, so that reading carries on and finds the next problem.
/// </summary>
internal sealed class MappingFields
{
    private readonly Dictionary<string, ConfigEntry> _fields;
    private readonly string _path;
    private readonly int _ownerLine;
    private readonly ConfigErrorSink _errors;

    private MappingFields(Dictionary<string, ConfigEntry> fields, string path, int ownerLine, ConfigErrorSink errors)
    {
        _fields = fields;
        _path = path;
        _ownerLine = ownerLine;
        _errors = errors;
    }

    /// <param name="ownerLine">Where a missing required key is reported: the line of the key that owns this mapping.</param>
    /// <param name="knownKeys">Any other key is an error, so that a misspelt key cannot be silently ignored.</param>
    public static MappingFields Read(YamlTreeMapping mapping, string path, int ownerLine, IReadOnlyList<string> knownKeys, ConfigErrorSink errors)
    {
        var fields = new Dictionary<string, ConfigEntry>(StringComparer.Ordinal);
        foreach (var entry in MappingEntries.Read(mapping, path, errors))
        {
            if (knownKeys.Contains(entry.Key, StringComparer.Ordinal))
            {
                fields.Add(entry.Key, entry);
            }
            else
            {
                errors.Add(entry.KeyLine, entry.Path, DescribeUnknownKey(entry.Key, knownKeys));
            }
        }

        return new MappingFields(fields, path, ownerLine, errors);
    }

    /// <summary>The entry, or null when the key is absent or has no value.</summary>
    public ConfigEntry? Find(string key) =>
        _fields.TryGetValue(key, out var entry) && !entry.IsEmpty ? entry : null;

    /// <summary>The entry, reporting it as required when the key is absent or has no value.</summary>
    public ConfigEntry? Require(string key)
    {
        if (Find(key) is { } entry)
        {
            return entry;
        }

        var line = _fields.TryGetValue(key, out var empty) ? empty.KeyLine : _ownerLine;
        _errors.Add(line, ConfigPath.Child(_path, key), "is required");
        return null;
    }

    public string? RequiredString(string key) => Require(key) is { } entry ? AsString(entry) : null;

    public string? OptionalString(string key) => Find(key) is { } entry ? AsString(entry) : null;

    /// <summary>The key's value, <paramref name="defaultValue"/> when absent, or null when it is not a boolean.</summary>
    public bool? Boolean(string key, bool defaultValue)
    {
        if (Find(key) is not { } entry)
        {
            return defaultValue;
        }

        // The YAML 1.2 core schema's spellings; YAML 1.1's yes/no/on/off are refused rather than guessed at.
        switch (entry.Value)
        {
            case YamlTreeScalar { Value: "true" or "True" or "TRUE" }:
                return true;
            case YamlTreeScalar { Value: "false" or "False" or "FALSE" }:
                return false;
            case YamlTreeScalar scalar:
                _errors.Add(scalar.Line, entry.Path, $"'{scalar.Value}' is not a boolean (use true or false)");
                return null;
            default:
                _errors.Add(entry.Value.Line, entry.Path, "expected true or false");
                return null;
        }
    }

    /// <summary>The line of the key's value, or of the owning key when it is absent.</summary>
    public int LineOf(string key) => _fields.TryGetValue(key, out var entry) ? entry.Value.Line : _ownerLine;

    public string PathOf(string key) => ConfigPath.Child(_path, key);

    private string? AsString(ConfigEntry entry)
    {
        if (entry.Value is not YamlTreeScalar scalar)
        {
            _errors.Add(entry.Value.Line, entry.Path, "expected a string");
            return null;
        }

        if (string.IsNullOrWhiteSpace(scalar.Value))
        {
            _errors.Add(scalar.Line, entry.Path, "must not be empty");
            return null;
        }

        return scalar.Value;
    }

    private static string DescribeUnknownKey(string key, IReadOnlyList<string> knownKeys) =>
        KeySuggestion.Closest(key, knownKeys) is { } suggestion
            ? $"unknown key '{key}' (did you mean '{suggestion}'?)"
            : $"unknown key '{key}' (expected one of: {string.Join(", ", knownKeys)})";
}
