using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tributary.Contracts;

/// <summary>
/// A JSON value kept as the text it was stored as (a connection's metadata, a run's per-model counts): written into a
/// body as is, without parsing it into objects and serialising them again.
/// </summary>
/// <param name="Json">One complete JSON value.</param>
[JsonConverter(typeof(RawJsonConverter))]
public sealed record RawJson(string Json)
{
    /// <summary>The empty object, <c>{}</c>.</summary>
    public static readonly RawJson EmptyObject = new("{}");
}

/// <summary>Writes a <see cref="RawJson"/> verbatim (validated by the writer) and reads any JSON value back as its text.</summary>
public sealed class RawJsonConverter : JsonConverter<RawJson>
{
    /// <inheritdoc />
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteRawValue(value.Json);
    }
}
