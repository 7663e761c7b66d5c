namespace Tributary.Functions.SampleData;

/// <summary>
/// Stable 64-bit hashing of (seed, purpose, number, generation). <see cref="string.GetHashCode()"/> and
/// <see cref="HashCode"/> are randomised per process, and sample data must be identical across processes
/// and machines, so the mixing is written out here (SplitMix64's finaliser).
/// </summary>
internal static class SampleHash
{
    /// <summary>Marks draws that must not change when a record is updated (names, creation time).</summary>
    public const long Fixed = -1;

    public const ulong Golden = 0x9E3779B97F4A7C15UL;
    private const double UnitScale = 1.0 / (1UL << 53);

    public static ulong Of(int seed, ulong purpose, long number, long generation)
    {
        var hash = Mix(Golden ^ (uint)seed);
        hash = Mix(hash ^ purpose);
        hash = Mix(hash ^ (ulong)number);
        return Mix(hash ^ (ulong)generation);
    }

    /// <summary>A uniform draw strictly between 0 and 1, so that neither end can be hit exactly.</summary>
    public static double ToUnit(ulong hash) => ((hash >> 11) + 0.5) * UnitScale;

    public static ulong Mix(ulong value)
    {
        value += Golden;
        value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9UL;
        value = (value ^ (value >> 27)) * 0x94D049BB133111EBUL;
        return value ^ (value >> 31);
    }
}
