using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;

namespace Tributary.Core.Configuration;

/// <summary>
/// A YAML tree as the JSON a YAML 1.2 core-schema loader gives (Nango reads its <c>providers.yaml</c> with js-yaml):
/// plain <c>true</c>/<c>false</c>, integers, decimals and nulls become JSON booleans, numbers and null; quoted and
/// block scalars stay strings. A mapping's repeated key (a configuration error reported elsewhere) keeps its last value.
/// </summary>
internal static partial class YamlTreeJson
{
    public static JsonNode? ToJson(YamlTreeNode node) => node switch
    {
        YamlTreeMapping mapping => ToObject(mapping),
        YamlTreeSequence sequence => new JsonArray([.. sequence.Items.Select(ToJson)]),
        YamlTreeScalar scalar => ToValue(scalar),
        _ => null,
    };

    public static JsonObject ToObject(YamlTreeMapping mapping)
    {
        var result = new JsonObject();
        foreach (var entry in mapping.Entries)
        {
            if (entry.Key is YamlTreeScalar key)
            {
                result[key.Value] = ToJson(entry.Value);
            }
        }

        return result;
    }

    private static JsonValue? ToValue(YamlTreeScalar scalar)
    {
        if (!scalar.IsPlain)
        {
            return JsonValue.Create(scalar.Value);
        }

        if (scalar.IsNull)
        {
            return null;
        }

        var text = scalar.Value;
        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (DecimalPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalPattern();
}
