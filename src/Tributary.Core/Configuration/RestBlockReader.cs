using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using Tributary.Core.Declarative;
using Tributary.Sdk.Paging;

namespace Tributary.Core.Configuration;

/// <summary>
/// Reads a sync's <c>rest:</c> block (<see cref="RestSyncDefinition"/>), reporting every problem with its line: unknown
/// keys with a suggestion, paths that cannot be paths, placeholders naming an unknown namespace, a pagination that
/// lacks what its type needs, an incremental setting on a full sync.
/// </summary>
internal sealed partial class RestBlockReader(ConfigErrorSink errors)
{
    private static readonly string[] Keys = ["path", "method", "query", "body", "paginate", "records", "id", "model", "fields", "incremental"];
    private static readonly string[] PaginateKeys =
    [
        "type", "cursor_path_in_response", "cursor_name_in_request", "link_rel_in_response_header", "link_path_in_response_body",
        "offset_name_in_request", "offset_start_value", "limit_name_in_request", "limit", "max_pages",
    ];

    private static readonly string[] PaginateTypes = ["cursor", "link", "offset", "page", "none"];
    private static readonly string[] IncrementalKeys = ["field", "param", "lookback"];

    public RestSyncDefinition? Read(ConfigEntry entry, IReadOnlyList<string>? models, SyncType? syncType)
    {
        if (entry.Value is not YamlTreeMapping mapping)
        {
            errors.Add(entry.Value.Line, entry.Path, "expected a mapping with at least path and id");
            return null;
        }

        var before = errors.Count;
        var fields = MappingFields.Read(mapping, entry.Path, entry.KeyLine, Keys, errors);
        var path = Templated(fields, "path", required: true);
        if (path is not null && (path.Contains("://", StringComparison.Ordinal) || !path.StartsWith('/')))
        {
            errors.Add(fields.LineOf("path"), fields.PathOf("path"), $"'{path}' must be a path starting with '/', relative to the integration's base_url");
        }

        var method = ReadMethod(fields);
        var query = ReadQuery(fields);
        var body = fields.Find("body") is { } bodyEntry ? ReadBody(bodyEntry.Value, bodyEntry.Path) : null;
        if (body is not null && method == "GET")
        {
            errors.Add(fields.LineOf("body"), fields.PathOf("body"), "a GET request has no body (set method: POST)");
        }

        var (pagination, paginated) = ReadPaginate(fields);
        var records = DottedPath(fields, "records", required: false);
        var id = DottedPath(fields, "id", required: true);
        var model = ReadModel(fields, models);
        var selected = ReadFields(fields);
        var incremental = ReadIncremental(fields, syncType);
        if (errors.Count > before || path is null || id is null || model is null)
        {
            return null;
        }

        return new RestSyncDefinition(path, method, query, body, pagination, paginated, records, id, model, selected, incremental);
    }

    private string? Templated(MappingFields fields, string key, bool required)
    {
        var text = required ? fields.RequiredString(key) : fields.OptionalString(key);
        if (text is not null && RestTemplate.Check(text) is { } problem)
        {
            errors.Add(fields.LineOf(key), fields.PathOf(key), problem);
            return null;
        }

        return text;
    }

    private string ReadMethod(MappingFields fields)
    {
        var method = fields.OptionalString("method") ?? "GET";
        if (method is "GET" or "POST")
        {
            return method;
        }

        errors.Add(fields.LineOf("method"), fields.PathOf("method"), $"'{method}' is not a method a sync reads with (use GET or POST)");
        return "GET";
    }

    private List<KeyValuePair<string, string>> ReadQuery(MappingFields fields)
    {
        var query = new List<KeyValuePair<string, string>>();
        if (fields.Find("query") is not { } entry)
        {
            return query;
        }

        if (entry.Value is not YamlTreeMapping mapping)
        {
            errors.Add(entry.Value.Line, entry.Path, "expected a mapping of parameter names to values, such as { state: all }");
            return query;
        }

        foreach (var parameter in MappingEntries.Read(mapping, entry.Path, errors))
        {
            if (parameter.Value is not YamlTreeScalar { IsNull: false } scalar)
            {
                errors.Add(parameter.Value.Line, parameter.Path, "expected a value (a string, number or boolean)");
            }
            else if (RestTemplate.Check(scalar.Value) is { } problem)
            {
                errors.Add(scalar.Line, parameter.Path, problem);
            }
            else
            {
                query.Add(new KeyValuePair<string, string>(parameter.Key, scalar.Value));
            }
        }

        return query;
    }

    /// <summary>The body as JSON: plain scalars that read as numbers, booleans or null become those; quoted ones stay strings.</summary>
    private JsonNode? ReadBody(YamlTreeNode node, string path)
    {
        switch (node)
        {
            case YamlTreeMapping mapping:
                var obj = new JsonObject();
                foreach (var entry in MappingEntries.Read(mapping, path, errors))
                {
                    obj[entry.Key] = ReadBody(entry.Value, entry.Path);
                }

                return obj;
            case YamlTreeSequence sequence:
                var array = new JsonArray();
                for (var index = 0; index < sequence.Items.Count; index++)
                {
                    array.Add(ReadBody(sequence.Items[index], ConfigPath.Index(path, index)));
                }

                return array;
            case YamlTreeScalar { IsNull: true }:
                return null;
            case YamlTreeScalar { IsPlain: true, Value: "true" or "false" } flag:
                return JsonValue.Create(flag.Value == "true");
            case YamlTreeScalar { IsPlain: true } number when decimal.TryParse(number.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value):
                return JsonValue.Create(value);
            case YamlTreeScalar text:
                if (RestTemplate.Check(text.Value) is { } problem)
                {
                    errors.Add(text.Line, path, problem);
                }

                return JsonValue.Create(text.Value);
            default:
                return null;
        }
    }

    private (PaginationOptions? Options, bool Paginated) ReadPaginate(MappingFields fields)
    {
        if (fields.Find("paginate") is not { } entry)
        {
            return (null, true);
        }

        if (entry.Value is YamlTreeScalar { Value: "none" })
        {
            return (null, false);
        }

        if (entry.Value is not YamlTreeMapping mapping)
        {
            errors.Add(entry.Value.Line, entry.Path, "expected none, or a mapping such as { type: cursor, cursor_path_in_response: paging.next.after, cursor_name_in_request: after }");
            return (null, true);
        }

        var paginate = MappingFields.Read(mapping, entry.Path, entry.KeyLine, PaginateKeys, errors);
        var type = paginate.OptionalString("type");
        if (type is not null && !PaginateTypes.Contains(type, StringComparer.Ordinal))
        {
            var hint = KeySuggestion.Closest(type, PaginateTypes) is { } close ? $"did you mean '{close}'? " : "";
            errors.Add(paginate.LineOf("type"), paginate.PathOf("type"), $"'{type}' is not a pagination type ({hint}use one of {string.Join(", ", PaginateTypes)})");
            return (null, true);
        }

        if (type == "none")
        {
            return (null, false);
        }

        var options = new PaginationOptions
        {
            Type = type switch
            {
                "cursor" => PaginationType.Cursor,
                "link" => PaginationType.Link,
                "offset" or "page" => PaginationType.Offset,
                _ => null,
            },
            CursorPathInResponse = DottedPath(paginate, "cursor_path_in_response", required: type == "cursor"),
            CursorNameInRequest = type == "cursor" ? paginate.RequiredString("cursor_name_in_request") : paginate.OptionalString("cursor_name_in_request"),
            LinkRelInResponseHeader = paginate.OptionalString("link_rel_in_response_header"),
            LinkPathInResponseBody = DottedPath(paginate, "link_path_in_response_body", required: false),
            OffsetNameInRequest = type is "offset" or "page" ? paginate.RequiredString("offset_name_in_request") : paginate.OptionalString("offset_name_in_request"),
            OffsetStartValue = Number(paginate, "offset_start_value", 0) ?? (type == "page" ? 1 : null),
            OffsetCalculationMethod = type == "page" ? OffsetCalculation.PerPage : null,
            LimitNameInRequest = paginate.OptionalString("limit_name_in_request"),
            Limit = Number(paginate, "limit", 1),
            MaxPages = Number(paginate, "max_pages", 1),
        };
        return (options, true);
    }

    private int? Number(MappingFields fields, string key, int minimum)
    {
        if (fields.OptionalString(key) is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        errors.Add(fields.LineOf(key), fields.PathOf(key), $"'{text}' is not a whole number of at least {minimum}");
        return null;
    }

    private string? ReadModel(MappingFields fields, IReadOnlyList<string>? models)
    {
        if (fields.OptionalString("model") is { } model)
        {
            if (models is not null && !models.Contains(model, StringComparer.Ordinal))
            {
                errors.Add(fields.LineOf("model"), fields.PathOf("model"), $"'{model}' is not one of the sync's models ({string.Join(", ", models)})");
                return null;
            }

            return model;
        }

        if (models is null)
        {
            return null;
        }

        if (models.Count == 1)
        {
            return models[0];
        }

        errors.Add(fields.LineOf("model"), fields.PathOf("model"), $"is required when the sync lists several models ({string.Join(", ", models)})");
        return null;
    }

    /// <summary><c>fields:</c> is a list of paths (kept under their last segment) or a mapping of new names to paths.</summary>
    private List<RestField> ReadFields(MappingFields fields)
    {
        var selected = new List<RestField>();
        if (fields.Find("fields") is not { } entry)
        {
            return selected;
        }

        if (entry.Value is YamlTreeSequence sequence)
        {
            for (var index = 0; index < sequence.Items.Count; index++)
            {
                var itemPath = ConfigPath.Index(entry.Path, index);
                if (sequence.Items[index] is YamlTreeScalar { IsNull: false } scalar && CheckDottedPath(scalar.Value, scalar.Line, itemPath))
                {
                    selected.Add(new RestField(scalar.Value[(scalar.Value.LastIndexOf('.') + 1)..], scalar.Value));
                }
                else if (sequence.Items[index] is not YamlTreeScalar { IsNull: false })
                {
                    errors.Add(sequence.Items[index].Line, itemPath, "expected a field path, such as title or user.login");
                }
            }
        }
        else if (entry.Value is YamlTreeMapping mapping)
        {
            foreach (var field in MappingEntries.Read(mapping, entry.Path, errors))
            {
                if (field.Value is YamlTreeScalar { IsNull: false } scalar && CheckDottedPath(scalar.Value, scalar.Line, field.Path))
                {
                    selected.Add(new RestField(field.Key, scalar.Value));
                }
                else if (field.Value is not YamlTreeScalar { IsNull: false })
                {
                    errors.Add(field.Value.Line, field.Path, "expected the source field's path, such as user.login");
                }
            }
        }
        else
        {
            errors.Add(entry.Value.Line, entry.Path, "expected a list of field paths, or a mapping of new names to field paths");
        }

        if (selected.Any(f => f.Name == "id"))
        {
            errors.Add(entry.Value.Line, entry.Path, "'id' is always the record's id (set by id:); give the field another name");
        }

        return selected;
    }

    private RestIncremental? ReadIncremental(MappingFields fields, SyncType? syncType)
    {
        if (fields.Find("incremental") is not { } entry)
        {
            return null;
        }

        if (entry.Value is not YamlTreeMapping mapping)
        {
            errors.Add(entry.Value.Line, entry.Path, "expected a mapping such as { field: updated_at, param: since, lookback: 5m }");
            return null;
        }

        var incremental = MappingFields.Read(mapping, entry.Path, entry.KeyLine, IncrementalKeys, errors);
        var field = DottedPath(incremental, "field", required: true);
        var param = incremental.RequiredString("param");
        var lookback = ReadLookback(incremental);
        if (syncType == SyncType.Full)
        {
            errors.Add(entry.KeyLine, entry.Path, "a full sync reads everything each run; remove incremental, or set sync_type: incremental");
            return null;
        }

        return field is null || param is null || lookback is null ? null : new RestIncremental(field, param, lookback.Value);
    }

    /// <summary>A duration such as <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>, or ISO 8601's <c>PT10M</c>.</summary>
    private TimeSpan? ReadLookback(MappingFields fields)
    {
        if (fields.OptionalString("lookback") is not { } text)
        {
            return TimeSpan.Zero;
        }

        if (Duration().Match(text) is { Success: true } match)
        {
            var amount = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            return match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
        }

        if (text.StartsWith('P'))
        {
            try
            {
                return XmlConvert.ToTimeSpan(text);
            }
            catch (FormatException)
            {
                // reported below
            }
        }

        errors.Add(fields.LineOf("lookback"), fields.PathOf("lookback"), $"'{text}' is not a duration (examples: 30s, 10m, 2h, 1d, PT10M)");
        return null;
    }

    private string? DottedPath(MappingFields fields, string key, bool required)
    {
        var text = required ? fields.RequiredString(key) : fields.OptionalString(key);
        return text is not null && CheckDottedPath(text, fields.LineOf(key), fields.PathOf(key)) ? text : null;
    }

    private bool CheckDottedPath(string text, int line, string path)
    {
        if (text.StartsWith('$'))
        {
            errors.Add(line, path, $"'{text}' is not a field path: write the keys from the body's root without '$', such as {text.TrimStart('$', '.')}");
            return false;
        }

        if (!DottedPathShape().IsMatch(text))
        {
            errors.Add(line, path, $"'{text}' is not a field path (keys separated by dots, such as paging.next.after; no spaces, brackets or wildcards)");
            return false;
        }

        return true;
    }

    [GeneratedRegex(@"^[^.\s\[\]*]+(\.[^.\s\[\]*]+)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex DottedPathShape();

    [GeneratedRegex(@"^([0-9]{1,6})(s|m|h|d)\z", RegexOptions.CultureInvariant)]
    private static partial Regex Duration();
}
