using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tributary.Core.Configuration;
using Tributary.Sdk.Paging;

namespace Tributary.Core.Declarative;

/// <summary>
/// A <c>rest:</c> sync's incremental state: the highest value of the field seen, as the checkpoint keeps it. The
/// stored value is the true highest (never reduced by the look-back); only what is sent is moved back, so a late
/// write is read again on every run inside the window, and the overlap is harmless because saves are upserts.
/// </summary>
internal sealed class RestWatermark
{
    private readonly RestIncremental? _incremental;
    private readonly string? _stored;
    private string? _highest;

    public RestWatermark(RestIncremental? incremental, JsonObject checkpoint)
    {
        _incremental = incremental;
        if (incremental is not null && checkpoint[incremental.Param] is JsonValue value && value.GetValueKind() is JsonValueKind.String or JsonValueKind.Number)
        {
            _stored = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        }

        _highest = _stored;
    }

    /// <summary>True when a record moved the watermark past what the checkpoint holds.</summary>
    public bool Advanced => _highest is not null && _highest != _stored;

    public string? Highest => _highest;

    /// <summary>What the request sends: the stored value, less the look-back when it is a timestamp; null on a first run.</summary>
    public string? Since()
    {
        if (_stored is null || _incremental is not { Lookback: var lookback } || lookback == TimeSpan.Zero || !TryTime(_stored, out var time))
        {
            return _stored;
        }

        return (time - lookback).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    public void Observe(JsonElement item)
    {
        if (_incremental is null || JsonPath.Find(item, _incremental.Field) is not { } found)
        {
            return;
        }

        var text = found.ValueKind switch
        {
            JsonValueKind.String => found.GetString(),
            JsonValueKind.Number => found.GetRawText(),
            _ => null,
        };
        if (!string.IsNullOrEmpty(text) && (_highest is null || Compare(text, _highest) > 0))
        {
            _highest = text;
        }
    }

    /// <summary>Timestamps by time (offsets differ), numbers by value, anything else by ordinal text.</summary>
    private static int Compare(string left, string right)
    {
        if (TryTime(left, out var a) && TryTime(right, out var b))
        {
            return a.CompareTo(b);
        }

        if (decimal.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && decimal.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
        {
            return x.CompareTo(y);
        }

        return string.CompareOrdinal(left, right);
    }

    /// <summary>Only ISO 8601 with a date part counts as a time; a bare number is a number.</summary>
    private static bool TryTime(string text, out DateTimeOffset time)
    {
        time = default;
        return text.Length >= 10 && text[4] == '-' && text[7] == '-'
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }
}
