using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using System.Globalization;
using Tributary.Core.Domain;
using Tributary.Core.Logs;
using Tributary.Core.Ports;
using Tributary.Core.Providers;
using Tributary.Core.Records;
using Tributary.Core.Telemetry;
using Tributary.Core.Webhooks;
using Tributary.Sdk;
using Tributary.Sdk.Paging;
using Tributary.Sdk.Rules;

namespace Tributary.Core.Engine;

/// <summary>The SDK's <see cref="SyncContext"/> for one run attempt, backed by the stores and fenced by the run's lease.</summary>
/// <remarks>
/// Deletion detection marks unchanged records seen only while a window is open for their model (or the sync has
/// the deprecated <c>track_deletes</c> flag), so the ordinary unchanged save writes nothing.
/// </remarks>
internal sealed class EngineSyncContext : SyncContext
{
    /// <summary>Nango's page size for <c>listRecords</c> and chunk size for <c>getRecordsByIds</c>.</summary>
    private const int ReadPageSize = 100;

    /// <summary>Records soft-deleted per transaction by deletion detection, as Nango's batches.</summary>
    private const int DeleteBatchSize = 10_000;

    /// <summary>
    /// A model's later batch from this many records is written while it is prepared, on a store that can
    /// (<see cref="SaveWhilePreparedAsync"/>); below it, handing the write to another thread costs more than it overlaps.
    /// </summary>
    private const int WriteWhilePreparingFrom = 64;

    /// <summary>How often batchUpdate re-reads and re-merges records another writer changed under it.</summary>
    private const int UpdateAttempts = 3;

    private readonly RunTarget _target;
    private readonly IRecordStore _records;
    private readonly ICheckpointStore _checkpoints;
    private readonly RunCounts _counts;
    private readonly JsonObject _metadata;
    private readonly DeletionWindows _windows;
    private readonly RunLog? _log;
    private readonly TributaryMetrics? _metrics;
    private readonly ProviderPaginate? _paginate;
    private readonly Dictionary<string, long?> _mergeGuards = new(StringComparer.Ordinal);

    // Models whose last batchSave had no unchanged record (a fresh ingest): the next one skips the store's read of
    // stored hashes, which would find nothing. One batch with unchanged records turns the read back on.
    private readonly HashSet<string> _freshModels = new(StringComparer.Ordinal);

    // Models whose last batchSave added every record (nothing of it was stored before): the next batch is written as
    // new (RecordWrite.ExpectNew) — a store that can insert it more cheaply than it upserts tries that first.
    private readonly HashSet<string> _newModels = new(StringComparer.Ordinal);

    // Models with a batchSave committed in this run: a later batch of theirs may be written while it is prepared.
    private readonly HashSet<string> _savedModels = new(StringComparer.Ordinal);
    private long? _checkpointVersion;
    private bool _checkpointLoaded;
    private bool _checkpointFromKnown;
    private JsonObject? _checkpointFrom;
    private JsonObject? _checkpointTo;
    private bool _checkpointTouched;

    public EngineSyncContext(
        RunTarget target,
        IRecordStore records,
        ICheckpointStore checkpoints,
        RunCounts counts,
        HttpClient http,
        ILogger logger,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        RunLog? log = null,
        TributaryMetrics? metrics = null,
        ProviderPaginate? paginate = null)
    {
        _paginate = paginate;
        _log = log;
        _metrics = metrics;
        _target = target;
        _records = records;
        _checkpoints = checkpoints;
        _counts = counts;
        _metadata = JsonNode.Parse(target.Connection.MetadataJson) as JsonObject ?? [];
        _windows = new DeletionWindows(checkpoints, target.Fence, target.Connection.Id, target.CheckpointKey, timeProvider);
        Http = http;
        Logger = logger;
        TimeProvider = timeProvider;
        CancellationToken = cancellationToken;
    }

    public override string ConnectionId => _target.Connection.ConnectionId;

    /// <summary>The connection's config (Nango's <c>connection_config</c>) as the credentials carry it.</summary>
    internal JsonObject StoredConnectionConfig { get; init; } = [];

    public override JsonObject ConnectionConfig => (JsonObject)StoredConnectionConfig.DeepClone();

    public override string ProviderConfigKey => _target.Connection.ProviderConfigKey;

    public override string Provider => _target.Connection.Provider;

    public override string SyncName => _target.Sync.Name;

    public override string Variant => _target.Sync.Variant;

    public override string RunId => _target.Run.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override DateTimeOffset? LastSyncDate => Micros.ToDateTimeOffset(_target.Sync.LastSyncDate);

    public override IReadOnlyList<string> Models => _target.Config.Models;

    public override JsonObject Metadata => (JsonObject)_metadata.DeepClone();

    public override HttpClient Http { get; }

    /// <remarks>Read per call, so a template value the SDK cannot follow fails the function that asks, not every run.</remarks>
    public override PaginationOptions? ProviderPagination =>
        _paginate is null ? null : PaginationOptions.FromTemplate(_paginate.Type, _paginate.Settings);

    public override ILogger Logger { get; }

    public override TimeProvider TimeProvider { get; }

    public override CancellationToken CancellationToken { get; }

    public override async Task<BatchResult> BatchSaveAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        if (IsEmptyBatch(records, model))
        {
            return BatchResult.Empty;
        }

        BatchResult result;
        int kept;
        if (_savedModels.Contains(model) && _records.UpsertsWhilePrepared && records.Count >= WriteWhilePreparingFrom)
        {
            // The model's earlier batch in this run already opened what WriteAsync opens: asking before preparing
            // changes nothing, where a first batch that breaks a rule must not open a deletion window.
            (result, kept) = await SaveWhilePreparedAsync(await SaveWriteAsync(model, cancellationToken), records, model, cancellationToken);
        }
        else
        {
            var batch = RecordPreparer.Prepare(records, model);
            LogDuplicates(model, batch.Duplicates);
            result = await _records.UpsertAsync(await SaveWriteAsync(model, cancellationToken), batch.Records, cancellationToken);
            kept = batch.Records.Count;
        }

        _savedModels.Add(model);

        if (result.Unchanged == 0)
        {
            _freshModels.Add(model);
        }
        else
        {
            _freshModels.Remove(model);
        }

        if (result.Added == kept)
        {
            _newModels.Add(model);
        }
        else
        {
            _newModels.Remove(model);
        }

        _counts.Apply(model, result);
        Saved("batchSave", model, records.Count, result);
        return result;
    }

    /// <summary>A batchSave's write: the stored hashes read first unless the model's last batch was all fresh.</summary>
    private async Task<RecordWrite> SaveWriteAsync(string model, CancellationToken cancellationToken) =>
        await WriteAsync(model, cancellationToken) with
        {
            ProbeUnchanged = !_freshModels.Contains(model),
            ExpectNew = _newModels.Contains(model),
        };

    /// <summary>
    /// A later batch of a model in this run, on a store that writes its own rows: the store works on a thread of its
    /// own while this one prepares, each record as soon as it is ready, so serializing and hashing overlap the
    /// database's work instead of preceding it — a fresh ingest's upsert, or a re-save's read of stored hashes. Counts,
    /// positions and the one transaction are <see cref="IRecordStore.UpsertAsync"/>'s. A record that breaks a rule
    /// fails the batch with its own error and the transaction is left uncommitted: nothing of the batch is written, as
    /// before.
    /// </summary>
    /// <returns>The store's result, and how many records the batch kept (duplicates dropped).</returns>
    private async Task<(BatchResult Result, int Kept)> SaveWhilePreparedAsync<T>(RecordWrite write, IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        var feed = new PreparedRecordFeed(records.Count);
        var writing = Task.Run(() => _records.UpsertWhilePreparedAsync(write, feed, cancellationToken), cancellationToken);
        IReadOnlyList<string> duplicates;
        try
        {
            duplicates = RecordPreparer.PrepareInto(records, model, feed);
        }
        catch (Exception ex)
        {
            feed.Fail(ex);

            // The writer gives up with the feed; its error only repeats this one.
            await ((Task)writing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        var result = await writing;
        LogDuplicates(model, duplicates);
        return (result, records.Count - duplicates.Count);
    }

    public override async Task<BatchResult> BatchUpdateAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        if (IsEmptyBatch(records, model))
        {
            return BatchResult.Empty;
        }

        var batch = RecordPreparer.Prepare(records, model);
        LogDuplicates(model, batch.Duplicates);
        var write = await WriteAsync(model, cancellationToken);
        IReadOnlyList<PreparedRecord> pending = batch.Records;
        var updated = 0;
        for (var attempt = 0; attempt < UpdateAttempts && pending.Count > 0; attempt++)
        {
            var merged = await MergeAsync(write.Model, pending, cancellationToken);
            if (merged.Count == 0)
            {
                break;
            }

            var written = await _records.UpdateAsync(write with { Now = Micros.Now(TimeProvider) }, merged, cancellationToken);
            _counts.Apply(model, new BatchResult(0, written.Count, 0, 0));
            updated += written.Count;

            // Records not written were deleted or changed by another writer between the read and the write:
            // merge them again onto what is stored now.
            var retry = merged.Select(m => m.Record.ExternalId).Except(written, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
            pending = [.. pending.Where(p => retry.Contains(p.ExternalId))];
        }

        var updateResult = new BatchResult(0, updated, 0, batch.Records.Count - updated);
        Saved("batchUpdate", model, records.Count, updateResult);
        return updateResult;
    }

    public override async Task<BatchResult> BatchDeleteAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        if (IsEmptyBatch(records, model))
        {
            return BatchResult.Empty;
        }

        var ids = RecordPreparer.Ids(records, model);
        var result = await _records.DeleteAsync(await WriteAsync(model, cancellationToken), ids, cancellationToken);
        _counts.Apply(model, result);
        Saved("batchDelete", model, records.Count, result);
        return result;
    }

    public override async Task<IReadOnlyDictionary<string, CachedRecord>> GetRecordsByIdsAsync(IReadOnlyList<string> ids, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        EnsureDeclared(model);
        var found = new Dictionary<string, CachedRecord>(StringComparer.Ordinal);
        foreach (var chunk in ids.Distinct(StringComparer.Ordinal).Chunk(ReadPageSize))
        {
            var page = await _records.ReadPageAsync(
                new RecordPageQuery(_target.Connection.Id, _target.FullModelName(model), null, null, RecordFilter.None, chunk, chunk.Length),
                cancellationToken);
            foreach (var record in page.Records)
            {
                found[record.ExternalId] = CachedRecords.From(record);
            }
        }

        return found;
    }

    public override async IAsyncEnumerable<CachedRecord> ListRecordsAsync(string model, string? cursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EnsureDeclared(model);
        var after = RecordCursors.DecodeListCursor(cursor);

        while (true)
        {
            var page = await _records.ReadPageAsync(
                new RecordPageQuery(_target.Connection.Id, _target.FullModelName(model), after, null, RecordFilter.None, [], ReadPageSize),
                cancellationToken);
            foreach (var record in page.Records)
            {
                yield return CachedRecords.From(record);
            }

            if (!page.HasMore)
            {
                yield break;
            }

            after = page.Records[^1].Seq;
        }
    }

    public override async Task SetMergingStrategyAsync(MergingStrategy strategy, string model, CancellationToken cancellationToken)
    {
        EnsureDeclared(model);
        if (_mergeGuards.ContainsKey(model))
        {
            SyncContextRules.LogStrategyIgnored(Logger, model, strategy);
            return;
        }

        _mergeGuards[model] = strategy == MergingStrategy.IgnoreIfModifiedAfter
            ? await _records.GetLastSeqAsync(_target.Connection.Id, _target.FullModelName(model), cancellationToken)
            : null;
    }

    public override async Task TrackDeletesStartAsync(string model, CancellationToken cancellationToken)
    {
        EnsureDeclared(model);
        await _windows.OpenAsync(model, cancellationToken);
    }

    public override async Task<IReadOnlyList<string>> TrackDeletesEndAsync(string model, CancellationToken cancellationToken)
    {
        EnsureDeclared(model);
        var start = await _windows.StartOfAsync(model, cancellationToken)
            ?? throw SyncContextRules.NoDeletionWindow(model);
        var deleted = await DeleteUnseenAsync(model, start, cancellationToken);
        await _windows.CloseAsync(model, cancellationToken);
        return deleted;
    }

    public override async Task<JsonObject?> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        var stored = await _checkpoints.GetAsync(_target.Connection.Id, _target.CheckpointKey, cancellationToken);
        _checkpointLoaded = true;
        _checkpointVersion = stored?.Version;
        if (!_checkpointFromKnown)
        {
            _checkpointFromKnown = true;
            _checkpointFrom = stored?.Value?.DeepClone().AsObject();
        }

        return stored?.Value;
    }

    public override async Task SaveCheckpointAsync(JsonObject checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var value = CheckpointRules.Normalize(checkpoint);
        if (!_checkpointLoaded)
        {
            await GetCheckpointAsync(cancellationToken);
        }

        var version = await _checkpoints.SaveAsync(
            _target.Fence,
            _target.Connection.Id,
            _target.CheckpointKey,
            value,
            _checkpointVersion,
            Micros.Now(TimeProvider),
            cancellationToken);
        _checkpointVersion = version ?? throw new CheckpointConflictException(
            $"The checkpoint '{_target.CheckpointKey}' was updated since this run read it (expected version {_checkpointVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).");
        _log?.Info(string.Create(CultureInfo.InvariantCulture, $"Checkpoint saved (version {version})."));
        _checkpointTo = value.DeepClone().AsObject();
        _checkpointTouched = true;
    }

    public override async Task ClearCheckpointAsync(CancellationToken cancellationToken)
    {
        if (!_checkpointFromKnown)
        {
            await GetCheckpointAsync(cancellationToken);
        }

        await _checkpoints.ClearAsync(_target.Fence, _target.Connection.Id, _target.CheckpointKey, Micros.Now(TimeProvider), cancellationToken);
        _checkpointLoaded = false;
        _checkpointTo = null;
        _checkpointTouched = true;
    }

    /// <summary>
    /// The checkpoint when this attempt first read it and after its last save or clear, for the sync webhook's
    /// <c>checkpoints</c>; null when the attempt never saved or cleared it (Nango then leaves the field out).
    /// </summary>
    internal CheckpointChange? CheckpointChange => _checkpointTouched ? new CheckpointChange(_checkpointFrom, _checkpointTo) : null;

    /// <summary>
    /// What a successful run does after its function returned: with the deprecated <c>track_deletes</c> flag,
    /// soft-deletes every live record of the sync's models not saved since the flag's window opened (this run, or
    /// the first of the failed or interrupted runs it continues — never a record a resumed run skipped).
    /// </summary>
    internal async Task FinishRunAsync(CancellationToken cancellationToken)
    {
        if (!_target.Config.TrackDeletes)
        {
            return;
        }

        foreach (var model in _target.Config.Models)
        {
            var start = await _windows.StartOfAsync(model, cancellationToken) ?? _target.Run.RunId;
            var deleted = await DeleteUnseenAsync(model, start, cancellationToken);
            await _windows.CloseAsync(model, cancellationToken);
            Logger.LogInformation("track_deletes: {Count} records of model {Model} were not seen since run {Start} and are now deleted.", deleted.Count, model, start);
        }
    }

    private async Task<List<string>> DeleteUnseenAsync(string model, long seenSince, CancellationToken cancellationToken)
    {
        var deleted = new List<string>();
        var after = string.Empty;
        while (true)
        {
            var write = Write(model, markSeen: false);
            var batch = await _records.DeleteUnseenAsync(write, seenSince, after, DeleteBatchSize, cancellationToken);
            _counts.Apply(model, new BatchResult(0, 0, batch.DeletedIds.Count, 0));
            deleted.AddRange(batch.DeletedIds);
            if (!batch.HasMore)
            {
                return deleted;
            }

            after = batch.LastScanned;
        }
    }

    /// <summary>Merges each partial onto the stored live record; returns only those whose content would change.</summary>
    private async Task<List<RecordUpdate>> MergeAsync(string fullModel, IReadOnlyList<PreparedRecord> patches, CancellationToken cancellationToken)
    {
        var stored = await _records.GetLivePayloadsAsync(_target.Connection.Id, fullModel, [.. patches.Select(p => p.ExternalId)], cancellationToken);
        var merged = new List<RecordUpdate>(patches.Count);
        foreach (var patch in patches)
        {
            if (!stored.TryGetValue(patch.ExternalId, out var current))
            {
                continue;
            }

            // A pruned record has lost its payload: the merge starts from its id, and the write restores a payload.
            var record = RecordRules.Merge(patch.ExternalId, current.PayloadJson, patch.PayloadJson);
            // The stored hash may be keyed (payload encryption): compare like with like.
            if (_records.StoredHash(record.Hash) != current.Hash || current.PayloadJson is null)
            {
                merged.Add(new RecordUpdate(new PreparedRecord(record.Id, record.PayloadUtf8, record.Hash), current.Hash));
            }
        }

        return merged;
    }

    private async ValueTask<RecordWrite> WriteAsync(string model, CancellationToken cancellationToken)
    {
        // The deprecated flag behaves as a window opened by the first write of each model, so a full pass that
        // spans failed or interrupted runs is judged from its first run, not from its last.
        bool markSeen;
        if (_target.Config.TrackDeletes)
        {
            await _windows.OpenAsync(model, cancellationToken);
            markSeen = true;
        }
        else
        {
            markSeen = await _windows.StartOfAsync(model, cancellationToken) is not null;
        }

        return Write(model, markSeen);
    }

    private RecordWrite Write(string model, bool markSeen)
    {
        _mergeGuards.TryGetValue(model, out var guard);
        return new RecordWrite(
            _target.Fence,
            _target.Connection.Id,
            _target.FullModelName(model),
            Micros.Now(TimeProvider),
            batch => _counts.Preview(model, batch),
            markSeen,
            guard);
    }

    /// <summary>One engine line per committed batch, and the records it changed counted.</summary>
    private void Saved(string call, string model, int sent, BatchResult result)
    {
        _log?.Info(string.Create(
            CultureInfo.InvariantCulture,
            $"{call} {model}: {sent} sent, {result.Added} added, {result.Updated} updated, {result.Deleted} deleted, {result.Unchanged} unchanged."));
        if (_metrics is null)
        {
            return;
        }

        Count("added", result.Added);
        Count("updated", result.Updated);
        Count("deleted", result.Deleted);
    }

    private void Count(string action, int count)
    {
        if (count > 0)
        {
            _metrics!.RecordsWritten.Add(count, new KeyValuePair<string, object?>("action", action));
        }
    }

    private void LogDuplicates(string model, IReadOnlyList<string> duplicates) => SyncContextRules.LogDuplicates(Logger, model, duplicates);

    /// <summary>Checks a batch call's arguments (the model declared, the list given); true when there is nothing to write.</summary>
    private bool IsEmptyBatch<T>(IReadOnlyList<T> records, string model)
    {
        ArgumentNullException.ThrowIfNull(records);
        EnsureDeclared(model);
        return records.Count == 0;
    }

    private void EnsureDeclared(string model) => SyncContextRules.EnsureDeclared(_target.Config.Models, model);
}
