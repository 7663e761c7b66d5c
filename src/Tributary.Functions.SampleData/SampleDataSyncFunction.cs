using Tributary.Sdk;

namespace Tributary.Functions.SampleData;

/// <summary>
/// A built-in source of fake CRM data (companies, contacts, deals) that needs no network, in the spirit of
/// Airbyte's Faker source: for demos, tests and benchmarks. Each run is one "generation" of the dataset.
/// </summary>
/// <remarks>
/// <para>
/// Generation 0 creates <c>records</c> records per declared model. Every later generation updates about
/// <c>change_rate</c> of the live records, deletes about <c>delete_rate</c> of them and adds a few new
/// ones. Everything is derived from (seed, generation, id) and the checkpoint, never from a clock or from
/// earlier output, so the same generation always writes the same bytes and unchanged records stay unchanged
/// in the cache.
/// </para>
/// <para>
/// Metadata keys: <c>records</c> (default 1000), <c>change_rate</c> (0..1, default 0.1),
/// <c>delete_rate</c> (0..1, default change_rate / 10), <c>batch_size</c> (1..10000, default 1000),
/// <c>payload_bytes</c> (approximate JSON size per record, default 1024), <c>seed</c> (default 1; fixed by
/// the first run until a reset), and for tests <c>fail_after_batches</c> and <c>delay_ms_per_batch</c>.
/// </para>
/// </remarks>
[SyncFunction(Name)]
public sealed class SampleDataSyncFunction : ISyncFunction
{
    /// <summary>The name sync configs use for this function.</summary>
    public const string Name = "sample-data";

    /// <inheritdoc />
    public async Task RunAsync(SyncContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = SampleDataSettings.FromMetadata(context.Metadata);
        var models = SampleModels.Resolve(context.Models);
        cancellationToken.ThrowIfCancellationRequested();

        var stored = await context.GetCheckpointAsync(cancellationToken);
        var checkpoint = stored is null ? null : SampleDataCheckpoint.Parse(stored);
        if (checkpoint is not null && checkpoint.Population.Seed != settings.Seed)
        {
            SampleDataLog.SeedKept(context.Logger, checkpoint.Population.Seed, settings.Seed);
        }

        var plan = SampleGenerationPlan.Create(checkpoint, settings);
        var (first, offset) = ResumePoint(checkpoint, models);
        var modelNames = string.Join(", ", models.Select(model => model.Name));
        var firstModel = first < models.Count ? models[first].Name : "(none)";
        SampleDataLog.GenerationStarting(context.Logger, plan.Generation, modelNames, plan.After.IdCount, firstModel, offset);

        var writer = new SampleGenerationWriter(context, settings, plan);
        for (var index = first; index < models.Count; index++)
        {
            await models[index].WriteAsync(writer, index == first ? offset : 0, cancellationToken);
        }

        await context.SaveCheckpointAsync(plan.Completed().ToJson(), cancellationToken);
        writer.LogCompleted();
    }

    /// <summary>Where an interrupted generation continues; a fresh generation starts at its first model.</summary>
    private static (int ModelIndex, long Offset) ResumePoint(SampleDataCheckpoint? checkpoint, IReadOnlyList<SampleModel> models)
    {
        if (checkpoint is null || checkpoint.Complete)
        {
            return (0, 0);
        }

        for (var index = 0; index < models.Count; index++)
        {
            if (models[index].Name == checkpoint.Model)
            {
                return (index, checkpoint.Offset);
            }
        }

        // The model is no longer declared: redo the generation for the models that are; unchanged writes cost little.
        return (0, 0);
    }
}
