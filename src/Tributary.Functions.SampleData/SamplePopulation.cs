namespace Tributary.Functions.SampleData;

/// <summary>
/// Which sample ids exist and which are still live, derived from a handful of numbers that fit in a
/// checkpoint. The same id number is used by every model, so company 7, contact 7 and deal 7 live and die together.
/// </summary>
/// <remarks>
/// <para>
/// A function cannot read the records cache, and a checkpoint holds at most 16 flat values, so the live
/// set must follow from a few numbers no matter how many generations have run, and the delete rate may
/// change between runs. Each id gets a fixed draw u in (0, 1). Deletion is a hazard that accumulates: a
/// generation with delete rate r adds −ln(1 − r) to the hazard H, and an id born when the hazard was B is
/// live while u &lt; e^−(H − B). Raising H by −ln(1 − r) therefore deletes exactly the share r of the live
/// ids (of every age alike), and a deleted id can never come back.
/// </para>
/// <para>
/// Remembering B for every id is what the checkpoint cannot do, so ids are grouped into bands of hazard
/// ln 16 wide. Band c is treated as born at hazard c·ln 16, and an id whose draw says it would already
/// be deleted at its real birth is simply never created: its number is skipped, which costs at most 16
/// draws per created id. The table keeps the newest four bands; a band leaves it only when a newer band
/// opens, by which time it has lived through at least three band widths, so at most 1 in 4096 of its ids
/// survive, and those few are deleted as it drops out.
/// Hazard is counted in integer nanounits so that it round-trips through any JSON store exactly.
/// </para>
/// </remarks>
internal sealed class SamplePopulation
{
    public const int BandSlots = 4;
    public const long NanosPerUnit = 1_000_000_000;

    /// <summary>ln 16 in nanounits.</summary>
    public const long BandWidthNanos = 2_772_588_722;

    /// <summary>
    /// The hazard step of a delete rate of 1: e^−64 is below the smallest possible draw, so every live id
    /// is deleted whether or not a new band pushes the old ones out of the table.
    /// </summary>
    public const long EverythingDeletedNanos = 64 * NanosPerUnit;

    private const ulong LifePurpose = 0x4C49_4645_0000_0001UL;

    private readonly long[] _bandStarts;
    private readonly double[] _thresholds;

    public SamplePopulation(int seed, long hazardNanos, long idCount, int band, IReadOnlyList<long> bandStarts)
    {
        ArgumentNullException.ThrowIfNull(bandStarts);
        ArgumentOutOfRangeException.ThrowIfNegative(hazardNanos);
        ArgumentOutOfRangeException.ThrowIfNegative(idCount);
        ArgumentOutOfRangeException.ThrowIfNegative(band);
        ArgumentOutOfRangeException.ThrowIfNotEqual(bandStarts.Count, BandSlots);
        Seed = seed;
        HazardNanos = hazardNanos;
        IdCount = idCount;
        Band = band;
        _bandStarts = [.. bandStarts];
        _thresholds = new double[BandSlots];
        for (var slot = 0; slot < BandSlots; slot++)
        {
            var slotBand = band - slot;
            if (_bandStarts[slot] > 0)
            {
                var age = (hazardNanos - (slotBand * BandWidthNanos)) / (double)NanosPerUnit;
                _thresholds[slot] = Math.Exp(-age);
            }
        }
    }

    public int Seed { get; }

    /// <summary>Accumulated deletion hazard, in nanounits.</summary>
    public long HazardNanos { get; }

    /// <summary>The highest id number handed out so far (skipped numbers included).</summary>
    public long IdCount { get; }

    /// <summary>The band of the newest ids.</summary>
    public int Band { get; }

    /// <summary>First id of the bands <see cref="Band"/>, <see cref="Band"/> − 1, …; 0 where there is none.</summary>
    public IReadOnlyList<long> BandStarts => _bandStarts;

    /// <summary>The state before the first generation: nothing exists yet.</summary>
    public static SamplePopulation Empty(int seed) => new(seed, 0, 0, 0, [1, 0, 0, 0]);

    /// <summary>How far one generation with <paramref name="deleteRate"/> moves the hazard.</summary>
    public static long HazardStepNanos(double deleteRate) =>
        deleteRate >= 1
            ? EverythingDeletedNanos
            : Math.Min(EverythingDeletedNanos, (long)Math.Round(-Math.Log(1 - deleteRate) * NanosPerUnit));

    /// <summary>The fixed draw that decides when <paramref name="id"/> is deleted; the same for every model.</summary>
    public double LifeDraw(long id) => SampleHash.ToUnit(SampleHash.Of(Seed, LifePurpose, id, 0));

    public bool IsLive(long id, double lifeDraw)
    {
        if (id < 1 || id > IdCount)
        {
            return false;
        }

        for (var slot = 0; slot < BandSlots; slot++)
        {
            var start = _bandStarts[slot];
            if (start > 0 && id >= start)
            {
                return lifeDraw < _thresholds[slot];
            }
        }

        return false;
    }

    /// <summary>
    /// The population after one generation: the hazard moves to <paramref name="nextHazardNanos"/>
    /// (deleting what it deletes), then <paramref name="newIds"/> ids are created after <see cref="IdCount"/>.
    /// </summary>
    public SamplePopulation Advance(long nextHazardNanos, long newIds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nextHazardNanos, HazardNanos);
        ArgumentOutOfRangeException.ThrowIfNegative(newIds);
        var band = Band;
        long[] starts = [.. _bandStarts];
        var newBand = (int)(nextHazardNanos / BandWidthNanos);
        if (newIds > 0 && newBand > Band)
        {
            // Shift the table so that slot 0 is the new band; bands skipped over are empty and start where it starts.
            for (var slot = 0; slot < BandSlots; slot++)
            {
                var slotBand = newBand - slot;
                var oldSlot = Band - slotBand;
                starts[slot] = slotBand > Band ? IdCount + 1 : oldSlot < BandSlots ? _bandStarts[oldSlot] : 0;
            }

            band = newBand;
        }

        var next = new SamplePopulation(Seed, nextHazardNanos, IdCount, band, starts);
        if (newIds == 0)
        {
            return next;
        }

        // New ids belong to band slot 0, whose threshold is at least 1/16, so this loop ends quickly.
        var newestThreshold = next._thresholds[0];
        var id = IdCount;
        for (var created = 0L; created < newIds;)
        {
            id++;
            if (LifeDraw(id) < newestThreshold)
            {
                created++;
            }
        }

        return new SamplePopulation(Seed, nextHazardNanos, id, band, starts);
    }
}
