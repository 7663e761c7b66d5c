using Tributary.Sdk;

namespace Tributary.Functions.SampleData;

/// <summary>
/// Streams one generation into the records cache: batches of at most <see cref="SampleDataSettings.BatchSize"/>
/// saves and deletes, each followed by a checkpoint, so that memory stays at one batch whatever the record count.
/// </summary>
internal sealed class SampleGenerationWriter(SyncContext context, SampleDataSettings settings, SampleGenerationPlan plan)
{
    private readonly SampleRecordContext _recordContext =
        new(plan.Seed, plan.Generation, settings.Records, settings.PayloadBytes);

    private long _added;
    private long _updated;
    private long _deleted;
    private long _unchanged;

    /// <summary>Batches written by this run (not by runs it resumed).</summary>
    public int Batches { get; private set; }

    public async Task WriteAsync<TRecord>(SampleModel<TRecord> model, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var saves = new List<TRecord>();
        var deletes = new List<SampleRecordId>();
        var last = plan.After.IdCount;
        for (var id = offset + 1; id <= last; id++)
        {
            switch (plan.Classify(model.Purpose, id))
            {
                case SampleChange.Added:
                case SampleChange.Updated:
                    saves.Add(model.Create(id, _recordContext));
                    break;
                case SampleChange.Deleted:
                    deletes.Add(new SampleRecordId(model.FormatId(id)));
                    break;
                default:
                    continue;
            }

            if (saves.Count >= settings.BatchSize || deletes.Count >= settings.BatchSize)
            {
                await FlushAsync(model.Name, saves, deletes, id, cancellationToken);
                // New lists rather than Clear(): the cache may still hold on to the ones it was given.
                saves = [];
                deletes = [];
            }
        }

        if (saves.Count > 0 || deletes.Count > 0)
        {
            await FlushAsync(model.Name, saves, deletes, last, cancellationToken);
        }
    }

    public void LogCompleted() =>
        SampleDataLog.GenerationCompleted(context.Logger, plan.Generation, Batches, _added, _updated, _deleted, _unchanged);

    private async Task FlushAsync<TRecord>(
        string model, List<TRecord> saves, List<SampleRecordId> deletes, long offset, CancellationToken cancellationToken)
    {
        if (saves.Count > 0)
        {
            Count(await context.BatchSaveAsync(saves, model, cancellationToken));
        }

        if (deletes.Count > 0)
        {
            Count(await context.BatchDeleteAsync(deletes, model, cancellationToken));
        }

        await context.SaveCheckpointAsync(plan.InProgress(model, offset).ToJson(), cancellationToken);
        Batches++;
        SampleDataLog.BatchWritten(context.Logger, plan.Generation, model, saves.Count, deletes.Count, offset);
        if (settings.FailAfterBatches is { } limit && Batches >= limit)
        {
            throw new SampleDataInjectedFailureException(Batches);
        }

        if (settings.DelayPerBatch > TimeSpan.Zero)
        {
            await Task.Delay(settings.DelayPerBatch, context.TimeProvider, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private void Count(BatchResult result)
    {
        _added += result.Added;
        _updated += result.Updated;
        _deleted += result.Deleted;
        _unchanged += result.Unchanged;
    }
}
