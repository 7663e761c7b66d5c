using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Tributary.Core.Webhooks;

/// <summary>
/// One JSON object of a webhook body, written as <see cref="SortedJson"/> writes a tree (keys in
/// <see cref="JsKeyOrder"/> at every level, JSON.stringify's escaping) but without building the tree: its fields are a short list, kept in
/// key order as they are set. A key set twice keeps its last value, as a <see cref="JsonObject"/>'s indexer does.
/// </summary>
/// <remarks>
/// Every completed run renders its success webhook on the worker: with the tree (a <see cref="JsonObject"/> of ~15
/// nodes, sorted through LINQ) that was 21.6 µs of a fresh drain worker's CPU a run, a third of what "always" webhooks
/// added to a no-op run; 12.5 µs with this list, most of it still in tier-0 code (docs/benchmarks.md, B14.drain,
/// 2026-12-07). A warm worker spent 5.5 µs a body, a third of it sorting the list and a third copying strings a
/// character at a time: the list is now kept in order as it is set, and plain runs of text are copied as blocks.
/// </remarks>
internal sealed class SortedJsonObject
{
    private readonly List<Field> _fields = new(16);

    private enum FieldKind
    {
        Text,
        Number,
        Boolean,
        Object,
        Node,
    }

    public SortedJsonObject Set(string key, string? value) => Set(new Field(key, FieldKind.Text, value, 0));

    public SortedJsonObject Set(string key, long value) => Set(new Field(key, FieldKind.Number, null, value));

    public SortedJsonObject Set(string key, bool value) => Set(new Field(key, FieldKind.Boolean, null, value ? 1 : 0));

    public SortedJsonObject Set(string key, SortedJsonObject value) => Set(new Field(key, FieldKind.Object, value, 0));

    /// <summary>Any JSON (a function's checkpoint, which may hold anything), written through <see cref="SortedJson"/>.</summary>
    public SortedJsonObject Set(string key, JsonNode? value) => Set(new Field(key, FieldKind.Node, value, 0));

    public string Serialize()
    {
        var text = BodyText.Rent();
        Write(text);
        return BodyText.Finish(text);
    }

    private void Write(StringBuilder text)
    {
        text.Append('{');
        for (var i = 0; i < _fields.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            var field = _fields[i];
            SortedJson.WriteString(text, field.Key);
            text.Append(':');
            switch (field.Kind)
            {
                case FieldKind.Text when field.Value is string value:
                    SortedJson.WriteString(text, value);
                    break;
                case FieldKind.Number:
                    text.Append(field.Number.ToString(CultureInfo.InvariantCulture));
                    break;
                case FieldKind.Boolean:
                    text.Append(field.Number == 1 ? "true" : "false");
                    break;
                case FieldKind.Object when field.Value is SortedJsonObject value:
                    value.Write(text);
                    break;
                case FieldKind.Node:
                    SortedJson.Write(text, (JsonNode?)field.Value);
                    break;
                default:
                    text.Append("null");
                    break;
            }
        }

        text.Append('}');
    }

    /// <summary>Keeps the fields in key order as they are set (a body has ~15: no sort when written).</summary>
    private SortedJsonObject Set(Field field)
    {
        var at = 0;
        for (; at < _fields.Count; at++)
        {
            var order = JsKeyOrder.Instance.Compare(_fields[at].Key, field.Key);
            if (order == 0)
            {
                _fields[at] = field;
                return this;
            }

            if (order > 0)
            {
                break;
            }
        }

        _fields.Insert(at, field);
        return this;
    }

    /// <param name="Value">A text's string, an object's <see cref="SortedJsonObject"/> or a node's <see cref="JsonNode"/>.</param>
    /// <param name="Number">A number's value, or a boolean's 1 or 0.</param>
    private readonly record struct Field(string Key, FieldKind Kind, object? Value, long Number);
}
