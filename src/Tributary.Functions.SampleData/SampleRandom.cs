namespace Tributary.Functions.SampleData;

/// <summary>
/// A tiny deterministic generator for the field values of one record. <see cref="Random"/> with a seed is
/// stable today, but its algorithm is not promised across .NET versions; byte-identical records are.
/// </summary>
internal struct SampleRandom(ulong state)
{
    private ulong _state = state;

    public ulong NextUInt64()
    {
        // A counter stepped by the golden ratio and then mixed: SplitMix64, which has no short cycles.
        _state += SampleHash.Golden;
        return SampleHash.Mix(_state);
    }

    /// <summary>A number from 0 to <paramref name="maxExclusive"/> − 1; the modulo bias is irrelevant for fake data.</summary>
    public int Next(int maxExclusive) => (int)(NextUInt64() % (ulong)maxExclusive);

    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];
}
