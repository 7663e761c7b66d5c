using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tributary.Functions.SampleData;

/// <summary>
/// The sample-data function's checkpoint: where a generation stands and the population it works from.
/// Flat, at most 14 keys, numbers kept to integers that survive any JSON store (and JavaScript) exactly.
/// </summary>
/// <param name="Generation">The generation in progress, or the last one completed.</param>
/// <param name="Complete">Whether <paramref name="Generation"/> has finished.</param>
/// <param name="Model">While in progress: the model being written.</param>
/// <param name="Offset">While in progress: ids up to and including this number of <paramref name="Model"/> are written.</param>
/// <param name="Population">Before the generation while in progress; after it once complete.</param>
/// <param name="NextHazardNanos">While in progress: the hazard the generation moves to.</param>
/// <param name="NewIds">While in progress: how many ids the generation creates.</param>
/// <remarks>
/// A generation in progress stores where it is going, not only where it came from, so that a resumed run
/// deletes and creates the same ids as the interrupted one even if the metadata's rates changed in between.
/// </remarks>
internal sealed record SampleDataCheckpoint(
    int Generation,
    bool Complete,
    string? Model,
    long Offset,
    SamplePopulation Population,
    long NextHazardNanos,
    long NewIds)
{
    private const string GenerationKey = "generation";
    private const string CompleteKey = "complete";
    private const string ModelKey = "model";
    private const string OffsetKey = "offset";
    private const string SeedKey = "seed";
    private const string HazardKey = "hazard_nanos";
    private const string IdCountKey = "id_count";
    private const string BandKey = "band";
    private const string BandStartKeyPrefix = "band_start_";
    private const string NextHazardKey = "next_hazard_nanos";
    private const string NewIdsKey = "new_ids";

    public static SampleDataCheckpoint InProgress(
        int generation, string model, long offset, SamplePopulation before, long nextHazardNanos, long newIds) =>
        new(generation, false, model, offset, before, nextHazardNanos, newIds);

    public static SampleDataCheckpoint Completed(int generation, SamplePopulation after) =>
        new(generation, true, null, 0, after, 0, 0);

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            [GenerationKey] = Generation,
            [CompleteKey] = Complete,
        };
        if (!Complete)
        {
            json[ModelKey] = Model;
            json[OffsetKey] = Offset;
        }

        json[SeedKey] = Population.Seed;
        json[HazardKey] = Population.HazardNanos;
        json[IdCountKey] = Population.IdCount;
        json[BandKey] = Population.Band;
        for (var slot = 0; slot < SamplePopulation.BandSlots; slot++)
        {
            json[BandStartKeyPrefix + slot] = Population.BandStarts[slot];
        }

        if (!Complete)
        {
            json[NextHazardKey] = NextHazardNanos;
            json[NewIdsKey] = NewIds;
        }

        return json;
    }

    /// <summary>Reads a checkpoint this function saved.</summary>
    /// <exception cref="InvalidOperationException">The checkpoint was not written by this function.</exception>
    public static SampleDataCheckpoint Parse(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var complete = ReadBool(json, CompleteKey);
            var starts = new long[SamplePopulation.BandSlots];
            for (var slot = 0; slot < starts.Length; slot++)
            {
                starts[slot] = ReadLong(json, BandStartKeyPrefix + slot);
            }

            var population = new SamplePopulation(
                checked((int)ReadLong(json, SeedKey)),
                ReadLong(json, HazardKey),
                ReadLong(json, IdCountKey),
                checked((int)ReadLong(json, BandKey)),
                starts);
            var generation = checked((int)ReadLong(json, GenerationKey));
            if (complete)
            {
                return Completed(generation, population);
            }

            var model = json[ModelKey]?.GetValue<string>() ?? throw new FormatException($"'{ModelKey}' is missing.");
            return InProgress(
                generation,
                model,
                ReadLong(json, OffsetKey),
                population,
                ReadLong(json, NextHazardKey),
                ReadLong(json, NewIdsKey));
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException
            or ArgumentException or OverflowException or JsonException)
        {
            throw new InvalidOperationException(
                $"The stored checkpoint was not written by sample-data ({exception.Message}); reset the sync to start over.",
                exception);
        }
    }

    private static long ReadLong(JsonObject json, string key) =>
        json[key] is { } node && node.GetValueKind() == JsonValueKind.Number
            ? long.Parse(node.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
            : throw new FormatException($"'{key}' is missing or not a whole number.");

    private static bool ReadBool(JsonObject json, string key) =>
        json[key]?.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new FormatException($"'{key}' is missing or not a boolean."),
        };
}
