using System.Globalization;

namespace Tributary.Functions.SampleData;

/// <summary>One model the sample-data function generates.</summary>
internal abstract class SampleModel
{
    private const ulong NotesPurpose = 0x4E4F_5445_0000_0000UL;

    // Creation times are derived, never read from a clock, so that a record is byte-identical in every run.
    // UTC DateTime rather than DateTimeOffset: it serializes with "Z" instead of an escaped "+00:00".
    private static readonly DateTime Epoch = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly string _idPrefix;
    private readonly int _jsonBytesWithoutNotes;

    /// <param name="name">The model name a sync config declares.</param>
    /// <param name="idPrefix">Ids look like <c>{idPrefix}-000001</c>.</param>
    /// <param name="purpose">Keeps this model's draws apart from the other models'.</param>
    /// <param name="jsonBytesWithoutNotes">Typical JSON size of a record with empty notes, to size the padding.</param>
    protected SampleModel(string name, string idPrefix, ulong purpose, int jsonBytesWithoutNotes)
    {
        Name = name;
        _idPrefix = idPrefix;
        Purpose = purpose;
        _jsonBytesWithoutNotes = jsonBytesWithoutNotes;
    }

    public string Name { get; }

    public ulong Purpose { get; }

    public string FormatId(long number) => string.Create(CultureInfo.InvariantCulture, $"{_idPrefix}-{number:D6}");

    /// <summary>Writes this model's share of a generation; the generic overload keeps records strongly typed.</summary>
    public abstract Task WriteAsync(SampleGenerationWriter writer, long offset, CancellationToken cancellationToken);

    /// <summary>Ids are handed out in order, so creation times rise with the number, as in a real system.</summary>
    protected static DateTime CreatedAt(int seed, ulong purpose, long number) =>
        Epoch.AddSeconds((number * 30) + (long)(SampleHash.Of(seed, purpose, number, SampleHash.Fixed) % 30));

    /// <summary>Draws for fields that never change once the record exists.</summary>
    protected static SampleRandom FixedDraws(int seed, ulong purpose, long number) =>
        new(SampleHash.Of(seed, purpose, number, SampleHash.Fixed));

    /// <summary>Draws for fields that an update changes.</summary>
    protected static SampleRandom CurrentDraws(int seed, ulong purpose, long number, int generation) =>
        new(SampleHash.Of(seed, purpose, number, generation));

    protected string Notes(long number, SampleRecordContext context) =>
        SampleText.Padding(
            SampleHash.Of(context.Seed, Purpose ^ NotesPurpose, number, context.Generation),
            context.PayloadBytes - _jsonBytesWithoutNotes);
}

/// <summary>A model whose records are <typeparamref name="TRecord"/>.</summary>
internal abstract class SampleModel<TRecord>(string name, string idPrefix, ulong purpose, int jsonBytesWithoutNotes)
    : SampleModel(name, idPrefix, purpose, jsonBytesWithoutNotes)
{
    /// <summary>The record for id <paramref name="number"/> as of <see cref="SampleRecordContext.Generation"/>.</summary>
    public abstract TRecord Create(long number, SampleRecordContext context);

    public sealed override Task WriteAsync(SampleGenerationWriter writer, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.WriteAsync(this, offset, cancellationToken);
    }
}

/// <summary>What every record of one generation shares.</summary>
/// <param name="Records">The configured record count; references to other models point into 1..Records.</param>
internal readonly record struct SampleRecordContext(int Seed, int Generation, int Records, int PayloadBytes);
