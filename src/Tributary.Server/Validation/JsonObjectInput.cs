namespace Tributary.Server.Validation;

/// <summary>
/// A JSON object seen the way <c>JSON.parse</c> hands it to zod: a repeated key keeps its last value but its
/// first position, and a missing key is <c>undefined</c>.
/// </summary>
internal sealed class JsonObjectInput
{
    private readonly Dictionary<string, JsonElement> _properties = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];

    private JsonObjectInput()
    {
    }

    private JsonObjectInput(JsonElement element)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!_properties.ContainsKey(property.Name))
            {
                _keys.Add(property.Name);
            }

            _properties[property.Name] = property.Value;
        }
    }

    /// <summary>
    /// Reads a value that must be an object, reporting zod's <c>invalid_type</c> issue otherwise. An absent
    /// request body counts as <c>{}</c>, as Express's body parser presents it.
    /// </summary>
    public static JsonObjectInput? Read(JsonElement? value, IReadOnlyList<string> path, IssueList issues)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Undefined)
        {
            return new JsonObjectInput();
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            issues.Add(ZodCodes.InvalidType, ZodMessages.ExpectedType("object", JsonTypeName.Of(element)), path);
            return null;
        }

        return new JsonObjectInput(element);
    }

    public bool TryGet(string key, out JsonElement value) => _properties.TryGetValue(key, out value);

    public IReadOnlyList<string> KeysOutside(IReadOnlyCollection<string> known) =>
        _keys.Where(key => !known.Contains(key)).ToList();
}
