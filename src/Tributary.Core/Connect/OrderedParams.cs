namespace Tributary.Core.Connect;

/// <summary>
/// Query parameters as a JavaScript object holds them: setting a name again replaces its value where it first stood,
/// and a new name goes last — how Nango's authorization URL is assembled from spreads of objects.
/// </summary>
internal sealed class OrderedParams : IEnumerable<KeyValuePair<string, string>>
{
    private readonly List<KeyValuePair<string, string>> _items = [];

    public void Set(string name, string value)
    {
        var index = _items.FindIndex(p => string.Equals(p.Key, name, StringComparison.Ordinal));
        if (index < 0)
        {
            _items.Add(new(name, value));
        }
        else
        {
            _items[index] = new(name, value);
        }
    }

    public void Remove(string name) => _items.RemoveAll(p => string.Equals(p.Key, name, StringComparison.Ordinal));

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
