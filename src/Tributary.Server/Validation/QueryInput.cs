using Microsoft.Extensions.Primitives;

namespace Tributary.Server.Validation;

/// <summary>
/// A decoded query string as Express's parser presents it to zod: keys are case-sensitive, a key given once is
/// a string and a repeated key is an array.
/// </summary>
/// <remarks>
/// Built from <c>IEnumerable&lt;KeyValuePair&lt;string, StringValues&gt;&gt;</c> so both
/// <c>HttpRequest.Query</c> and <c>QueryHelpers.ParseQuery</c> feed it without copying rules around.
/// </remarks>
internal sealed class QueryInput
{
    private readonly Dictionary<string, StringValues> _values = new(StringComparer.Ordinal);
    private readonly List<string> _keys = [];

    private QueryInput(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        foreach (var (key, values) in query)
        {
            if (values.Count == 0)
            {
                continue;
            }

            if (_values.TryGetValue(key, out var existing))
            {
                _values[key] = StringValues.Concat(existing, values);
            }
            else
            {
                _keys.Add(key);
                _values[key] = values;
            }
        }
    }

    public IReadOnlyList<string> Keys => _keys;

    public static QueryInput From(IEnumerable<KeyValuePair<string, StringValues>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new QueryInput(query);
    }

    public bool TryGet(string key, out StringValues values) => _values.TryGetValue(key, out values);

    public IReadOnlyList<string> KeysOutside(IReadOnlyCollection<string> known) =>
        _keys.Where(key => !known.Contains(key)).ToList();
}
