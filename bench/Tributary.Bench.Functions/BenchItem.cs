using System.Globalization;

namespace Tributary.Bench.Functions;

/// <summary>One benchmark record; the note pads the JSON to about the requested size.</summary>
internal sealed record BenchItem(string Id, int Version, string Name, string Email, string Company, string City, string Note)
{
    private const int FixedBytes = 170;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789";

    // Deterministic filler: the same id and version always serialise to the same bytes (and the same hash).
    private static readonly string Filler = string.Create(16_384, 0, static (span, _) =>
    {
        var state = 0x2545F491u;
        for (var i = 0; i < span.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            span[i] = Alphabet[(int)(state % (uint)Alphabet.Length)];
        }
    });

    public static BenchItem Create(long id, int version, int payloadBytes)
    {
        var text = id.ToString(CultureInfo.InvariantCulture);
        var noteLength = Math.Max(0, payloadBytes - FixedBytes);
        var start = (int)((id * 7919 + version * 104_729L) % (Filler.Length - noteLength));
        return new BenchItem(
            text,
            version,
            $"Item {text} v{version.ToString(CultureInfo.InvariantCulture)}",
            $"item{text}@example.com",
            $"Company {(id % 997).ToString(CultureInfo.InvariantCulture)}",
            $"City {(id % 89).ToString(CultureInfo.InvariantCulture)}",
            Filler.Substring(start, noteLength));
    }
}
