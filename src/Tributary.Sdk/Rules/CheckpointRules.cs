using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Sdk.Rules;

/// <summary>
/// Nango's checkpoint format (spec §3.8): a flat object of at most 16 keys (each at most 255 characters) whose values
/// are strings of at most 4000 characters, numbers, booleans or dates. Dates are stored as ISO strings, as Nango's
/// <c>Date</c> becomes one.
/// </summary>
internal static class CheckpointRules
{
    public const int MaxKeys = 16;
    public const int MaxKeyLength = 255;
    public const int MaxString = 4000;

    /// <summary>Validates and returns the object to store (a copy with dates turned into ISO strings).</summary>
    /// <exception cref="InvalidRecordsException">The checkpoint breaks a rule; the message names the key.</exception>
    public static JsonObject Normalize(JsonObject checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Count > MaxKeys)
        {
            throw new InvalidRecordsException($"A checkpoint has at most {MaxKeys} keys; this one has {checkpoint.Count}.");
        }

        var result = new JsonObject();
        foreach (var (key, value) in checkpoint)
        {
            if (key.Length > MaxKeyLength)
            {
                throw new InvalidRecordsException($"Checkpoint key '{key[..32]}…' is longer than {MaxKeyLength} characters.");
            }

            result[key] = NormalizeValue(key, value);
        }

        return result;
    }

    private static JsonNode NormalizeValue(string key, JsonNode? value)
    {
        if (value is JsonValue scalar)
        {
            // A string is checked before dates: a JSON string that happens to look like a date stays as written.
            if (scalar.TryGetValue<string>(out var text))
            {
                if (text.Length <= MaxString)
                {
                    return JsonValue.Create(text);
                }
            }
            else if (scalar.TryGetValue<DateTimeOffset>(out var date))
            {
                return JsonValue.Create(IsoDate(date));
            }
            else if (scalar.TryGetValue<DateTime>(out var dateTime))
            {
                return JsonValue.Create(IsoDate(new DateTimeOffset(DateTime.SpecifyKind(dateTime, dateTime.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dateTime.Kind))));
            }
            else if (scalar.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                return scalar.DeepClone();
            }
        }

        throw new InvalidRecordsException(
            $"Checkpoint value '{key}' must be a string of at most {MaxString} characters, a number, a boolean or a date (checkpoints are flat: no objects, arrays or nulls).");
    }

    /// <summary>JavaScript's <c>Date#toISOString</c>: UTC, milliseconds, <c>Z</c>.</summary>
    private static string IsoDate(DateTimeOffset date) =>
        date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
