using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Domain;

namespace Tributary.Core.Credentials;

/// <summary>Reads a credential's <c>expires_at</c> and a token answer's <c>expires_in</c>/<c>expires_at</c> as Nango does (reference §A.5).</summary>
public static class TokenExpiry
{
    /// <summary>Unix microseconds, or null when there is no (readable) expiry: such a token is never refreshed by itself.</summary>
    public static long? Read(JsonNode? expiresAt)
    {
        if (expiresAt is not JsonValue value)
        {
            return null;
        }

        if (value.GetValueKind() == JsonValueKind.String)
        {
            return DateTimeOffset.TryParse((string)value!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? Micros.From(at) : null;
        }

        if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number))
        {
            // Nango: a number that reads as a date after 1971 in milliseconds is milliseconds, else seconds.
            var asMilliseconds = DateTimeOffset.UnixEpoch.AddMilliseconds(Math.Clamp(number, 0, 253_402_300_799_000));
            var at = asMilliseconds.Year > 1971 ? asMilliseconds : DateTimeOffset.UnixEpoch.AddSeconds(Math.Clamp(number, 0, 253_402_300_799));
            return Micros.From(at);
        }

        return null;
    }

    /// <summary>The expiry a token answer gives: its <c>expires_at</c>, else now + <c>expires_in</c> seconds.</summary>
    public static DateTimeOffset? FromTokenAnswer(JsonObject answer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (Read(answer["expires_at"]) is { } at)
        {
            return DateTimeOffset.UnixEpoch.AddTicks(at * 10);
        }

        var expiresIn = answer["expires_in"] is JsonValue value ? value.ToString() : null;
        return double.TryParse(expiresIn, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? now.AddSeconds(Math.Min(seconds, 100 * 365 * 86_400d))
            : null;
    }
}
