using System.Globalization;
using System.Text;

namespace Tributary.Client;

/// <summary>Builds a path with its query string, leaving out parameters that have no value.</summary>
internal sealed class Query
{
    private readonly StringBuilder _text;
    private bool _hasParameter;

    public Query(string path)
    {
        _text = new StringBuilder(path);
    }

    public Query Add(string name, string? value)
    {
        if (value is null)
        {
            return this;
        }

        _text.Append(_hasParameter ? '&' : '?').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        _hasParameter = true;
        return this;
    }

    public Query Add(string name, int? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public Query Add(string name, DateTimeOffset? value) => Add(name, value?.ToString("O", CultureInfo.InvariantCulture));

    public Query AddEach(string name, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            Add(name, value);
        }

        return this;
    }

    public static string Segment(string value) => Uri.EscapeDataString(value);

    public override string ToString() => _text.ToString();
}
