namespace Tributary.Functions.SampleData;

/// <summary>What one generation does to each id: the populations before and after it, and the update draws.</summary>
/// <remarks>
/// Everything here follows from the checkpoint and the metadata, never from earlier runs' output, so
/// running a generation twice, or resuming it half-way, produces the same writes.
/// </remarks>
internal sealed class SampleGenerationPlan
{
    private const ulong UpdatePurpose = 0x5550_4454_0000_0000UL;

    private SampleGenerationPlan(int generation, SamplePopulation before, long nextHazardNanos, long newIds, double changeRate)
    {
        Generation = generation;
        Before = before;
        NextHazardNanos = nextHazardNanos;
        NewIds = newIds;
        ChangeRate = changeRate;
        After = before.Advance(nextHazardNanos, newIds);
    }

    public int Generation { get; }

    public SamplePopulation Before { get; }

    public SamplePopulation After { get; }

    public long NextHazardNanos { get; }

    public long NewIds { get; }

    public double ChangeRate { get; }

    public int Seed => Before.Seed;

    /// <summary>Plans the generation that follows <paramref name="checkpoint"/>, or finishes the one it interrupted.</summary>
    public static SampleGenerationPlan Create(SampleDataCheckpoint? checkpoint, SampleDataSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (checkpoint is null)
        {
            // Generation 0 deletes and updates nothing: it creates the initial records.
            return new SampleGenerationPlan(0, SamplePopulation.Empty(settings.Seed), 0, settings.Records, 0);
        }

        if (!checkpoint.Complete)
        {
            return new SampleGenerationPlan(
                checkpoint.Generation,
                checkpoint.Population,
                checkpoint.NextHazardNanos,
                checkpoint.NewIds,
                checkpoint.Generation == 0 ? 0 : settings.ChangeRate);
        }

        var before = checkpoint.Population;
        return new SampleGenerationPlan(
            checked(checkpoint.Generation + 1),
            before,
            checked(before.HazardNanos + SamplePopulation.HazardStepNanos(settings.DeleteRate)),
            settings.NewIdsPerGeneration,
            settings.ChangeRate);
    }

    public SampleChange Classify(ulong modelPurpose, long id)
    {
        var lifeDraw = Before.LifeDraw(id);
        if (id > Before.IdCount)
        {
            // Numbers whose draw is already past the hazard are skipped, never created.
            return After.IsLive(id, lifeDraw) ? SampleChange.Added : SampleChange.None;
        }

        if (!Before.IsLive(id, lifeDraw))
        {
            return SampleChange.None;
        }

        if (!After.IsLive(id, lifeDraw))
        {
            return SampleChange.Deleted;
        }

        var updateDraw = SampleHash.ToUnit(SampleHash.Of(Seed, UpdatePurpose ^ modelPurpose, id, Generation));
        return updateDraw < ChangeRate ? SampleChange.Updated : SampleChange.None;
    }

    public SampleDataCheckpoint InProgress(string model, long offset) =>
        SampleDataCheckpoint.InProgress(Generation, model, offset, Before, NextHazardNanos, NewIds);

    public SampleDataCheckpoint Completed() => SampleDataCheckpoint.Completed(Generation, After);
}
