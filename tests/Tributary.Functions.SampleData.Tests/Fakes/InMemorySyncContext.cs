using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tributary.Sdk;

namespace Tributary.Functions.SampleData.Tests.Fakes;

/// <summary>
/// A <see cref="SyncContext"/> that keeps records, the checkpoint and metadata in memory, for running sync
/// functions in unit tests. Records are classified as the records cache does: the same content is
/// unchanged, a delete keeps the payload and marks the record deleted, and saving a deleted record adds it again.
/// </summary>
/// <remarks>
/// Content is compared on the record's JSON exactly as serialized (property order included), as the cache's
/// hash does; a numeric id is stored as a string, and checkpoint dates as ISO strings, as the cache stores
/// them. Within one call a repeated id is ignored after its first occurrence, as Nango does. Every
/// record of a call lands in exactly one of Added, Updated, Deleted or Unchanged; a write that changes
/// nothing (a repeated delete, an update of a missing id) counts as Unchanged. A call whose records break
/// the rules throws <see cref="InvalidRecordsException"/> and applies nothing. One run at a time: only
/// <see cref="WhenWriteCallsReachAsync"/> may be called from another thread.
/// </remarks>
internal sealed class InMemorySyncContext : SyncContext
{
    public const int MaxCheckpointKeys = 16;
    public const int MaxCheckpointKeyLength = 255;
    public const int MaxCheckpointStringLength = 4000;
    public const int MaxIdLength = 255;

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);
    private static readonly HttpClient NoNetwork = new(new NoNetworkHandler());

    private readonly Dictionary<string, Dictionary<string, StoredRecord>> _records = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BatchResult> _changes = new(StringComparer.Ordinal);
    private readonly List<(int Writes, TaskCompletionSource Signal)> _writeWaiters = [];
    private readonly Lock _waitersGate = new();
    private readonly ListLogger _logger = new();
    private JsonObject? _checkpoint;

    public InMemorySyncContext(IEnumerable<string> models, JsonObject? metadata = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        DeclaredModels = [.. models];
        StoredMetadata = metadata ?? new JsonObject();
        TimeProvider = timeProvider ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    /// <summary>The models <see cref="Models"/> reports; records of other models are refused.</summary>
    public List<string> DeclaredModels { get; }

    /// <summary>The metadata <see cref="Metadata"/> hands out copies of; replace or edit it between runs.</summary>
    public JsonObject StoredMetadata { get; set; }

    /// <summary>What <see cref="LastSyncDate"/> reports.</summary>
    public DateTimeOffset? StoredLastSyncDate { get; set; }

    /// <summary>What <see cref="CancellationToken"/> reports.</summary>
    public CancellationToken RunCancellationToken { get; set; }

    public override string ConnectionId => "test-connection";

    public override string ProviderConfigKey => "test-integration";

    public override string Provider => "sample-data";

    public override string SyncName => "test-sync";

    public override string Variant => "base";

    public override string RunId => "test-run";

    public override DateTimeOffset? LastSyncDate => StoredLastSyncDate;

    public override IReadOnlyList<string> Models => DeclaredModels;

    public override JsonObject Metadata => (JsonObject)StoredMetadata.DeepClone();

    /// <summary>A client whose every request fails: functions under unit test must not reach the network.</summary>
    public override HttpClient Http => NoNetwork;

    public override ILogger Logger => _logger;

    public override TimeProvider TimeProvider { get; }

    public override CancellationToken CancellationToken => RunCancellationToken;

    public int SaveCalls { get; private set; }

    public int UpdateCalls { get; private set; }

    public int DeleteCalls { get; private set; }

    /// <summary>Save, update and delete calls together.</summary>
    public int WriteCalls => SaveCalls + UpdateCalls + DeleteCalls;

    public int CheckpointReads { get; private set; }

    public int CheckpointSaves { get; private set; }

    public int CheckpointClears { get; private set; }

    /// <summary>The most records passed in one write call.</summary>
    public int LargestBatch { get; private set; }

    /// <summary>Messages logged through <see cref="Logger"/>, oldest first.</summary>
    public IReadOnlyList<(LogLevel Level, string Message)> LogEntries => _logger.Entries;

    /// <summary>A copy of the stored checkpoint, or <see langword="null"/>.</summary>
    public JsonObject? StoredCheckpoint => (JsonObject?)_checkpoint?.DeepClone();

    /// <summary>What writes to <paramref name="model"/> changed since the last <see cref="ResetCounts"/>.</summary>
    public BatchResult ChangesOf(string model) => _changes.GetValueOrDefault(model, BatchResult.Empty);

    /// <summary>Zeroes the call counters and <see cref="ChangesOf"/>, keeping records and checkpoint, to observe the next run alone.</summary>
    public void ResetCounts()
    {
        SaveCalls = 0;
        UpdateCalls = 0;
        DeleteCalls = 0;
        CheckpointReads = 0;
        CheckpointSaves = 0;
        CheckpointClears = 0;
        LargestBatch = 0;
        _changes.Clear();
    }

    /// <summary>Every stored record of <paramref name="model"/>, deleted ones included, ordered by id.</summary>
    public IReadOnlyList<StoredRecord> RecordsOf(string model) =>
        _records.TryGetValue(model, out var records)
            ? [.. records.Values.OrderBy(record => record.Id, StringComparer.Ordinal)]
            : [];

    /// <summary>The live (not deleted) records of <paramref name="model"/>, ordered by id.</summary>
    public IReadOnlyList<StoredRecord> LiveRecordsOf(string model) => [.. RecordsOf(model).Where(record => !record.IsDeleted)];

    public StoredRecord? Find(string model, string id) =>
        _records.TryGetValue(model, out var records) && records.TryGetValue(id, out var record) ? record : null;

    /// <summary>Completes once <see cref="WriteCalls"/> reaches <paramref name="writes"/>, so tests wait on progress without sleeping.</summary>
    public Task WhenWriteCallsReachAsync(int writes, CancellationToken cancellationToken)
    {
        // The run may write on another thread than the test waits on.
        lock (_waitersGate)
        {
            if (WriteCalls >= writes)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _writeWaiters.Add((writes, signal));
            return signal.Task.WaitAsync(cancellationToken);
        }
    }

    public override Task<BatchResult> BatchSaveAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var incoming = Validate(records, model);
        SaveCalls++;
        var store = StoreOf(model);
        int added = 0, updated = 0, unchanged = 0;
        foreach (var record in incoming)
        {
            if (!store.TryGetValue(record.Id, out var stored) || stored.IsDeleted)
            {
                added++;
            }
            else if (stored.Json == record.Json)
            {
                unchanged++;
                continue;
            }
            else
            {
                updated++;
            }

            store[record.Id] = record;
        }

        return Task.FromResult(Record(model, new BatchResult(added, updated, 0, unchanged)));
    }

    public override Task<BatchResult> BatchUpdateAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var incoming = Validate(records, model);
        UpdateCalls++;
        var store = StoreOf(model);
        int updated = 0, unchanged = 0;
        foreach (var partial in incoming)
        {
            if (!store.TryGetValue(partial.Id, out var stored) || stored.IsDeleted)
            {
                unchanged++;
                continue;
            }

            var merged = (JsonObject)stored.Payload.DeepClone();
            Merge(merged, partial.Payload);
            var json = merged.ToJsonString(SerializerOptions);
            if (json == stored.Json)
            {
                unchanged++;
                continue;
            }

            updated++;
            store[partial.Id] = stored with { Payload = merged, Json = json };
        }

        return Task.FromResult(Record(model, new BatchResult(0, updated, 0, unchanged)));
    }

    public override Task<BatchResult> BatchDeleteAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var incoming = Validate(records, model);
        DeleteCalls++;
        var store = StoreOf(model);
        int deleted = 0, unchanged = 0;
        foreach (var record in incoming)
        {
            if (!store.TryGetValue(record.Id, out var stored) || stored.IsDeleted)
            {
                unchanged++;
                continue;
            }

            deleted++;
            store[record.Id] = stored with { IsDeleted = true };
        }

        return Task.FromResult(Record(model, new BatchResult(0, 0, deleted, unchanged)));
    }

    public override Task<JsonObject?> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CheckpointReads++;
        return Task.FromResult(StoredCheckpoint);
    }

    public override Task SaveCheckpointAsync(JsonObject checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        cancellationToken.ThrowIfCancellationRequested();
        var normalized = NormalizeCheckpoint(checkpoint);
        CheckpointSaves++;
        _checkpoint = normalized;
        return Task.CompletedTask;
    }

    public override Task ClearCheckpointAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CheckpointClears++;
        _checkpoint = null;
        return Task.CompletedTask;
    }

    /// <summary>Checks the cache's checkpoint rules and returns the object to store, with dates as ISO strings as the cache keeps them.</summary>
    private static JsonObject NormalizeCheckpoint(JsonObject checkpoint)
    {
        if (checkpoint.Count > MaxCheckpointKeys)
        {
            throw new InvalidRecordsException($"A checkpoint has at most {MaxCheckpointKeys} keys; got {checkpoint.Count}.");
        }

        var normalized = new JsonObject();
        foreach (var (key, value) in checkpoint)
        {
            if (key.Length > MaxCheckpointKeyLength)
            {
                throw new InvalidRecordsException($"Checkpoint key '{key[..32]}…' is longer than {MaxCheckpointKeyLength} characters.");
            }

            normalized[key] = NormalizeCheckpointValue(key, value);
        }

        return normalized;
    }

    private static JsonNode NormalizeCheckpointValue(string key, JsonNode? value)
    {
        if (value is JsonValue scalar)
        {
            if (scalar.TryGetValue<string>(out var text))
            {
                if (text.Length <= MaxCheckpointStringLength)
                {
                    return JsonValue.Create(text);
                }
            }
            else if (scalar.TryGetValue<DateTimeOffset>(out var date))
            {
                return JsonValue.Create(IsoDate(date.UtcDateTime));
            }
            else if (scalar.TryGetValue<DateTime>(out var dateTime))
            {
                // An unspecified kind is taken as UTC, as the cache does.
                return JsonValue.Create(IsoDate(dateTime.Kind == DateTimeKind.Local ? dateTime.ToUniversalTime() : dateTime));
            }
            else if (scalar.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                return scalar.DeepClone();
            }
        }

        throw new InvalidRecordsException(
            $"Checkpoint key '{key}' must be a string of at most {MaxCheckpointStringLength} characters, a number, a boolean or a date.");
    }

    private static string IsoDate(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads the record's external id (without NUL characters) and, like the cache, stores a numeric id as a string.</summary>
    private static string NormalizeId(JsonObject record, string model, int index)
    {
        var id = record["id"];
        var text = id?.GetValueKind() switch
        {
            JsonValueKind.String => id.GetValue<string>(),
            JsonValueKind.Number => id.ToJsonString(),
            _ => null,
        };
        text = text?.Replace("\0", string.Empty, StringComparison.Ordinal);
        if (string.IsNullOrEmpty(text) || text.Length > MaxIdLength)
        {
            throw new InvalidRecordsException(
                $"Record {index} of model '{model}' needs an id: a string of 1 to {MaxIdLength} characters, or a number.");
        }

        if (id?.GetValueKind() == JsonValueKind.Number)
        {
            record["id"] = text;
        }

        return text;
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is JsonObject patchObject && target[key] is JsonObject targetObject)
            {
                Merge(targetObject, patchObject);
            }
            else
            {
                // Arrays and scalars replace what was there, as the cache's deep merge does.
                target[key] = value?.DeepClone();
            }
        }
    }

    private List<StoredRecord> Validate<T>(IReadOnlyList<T> records, string model)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(model);
        if (!DeclaredModels.Contains(model, StringComparer.Ordinal))
        {
            throw new InvalidRecordsException(
                $"The model '{model}' is not included in the declared sync models: {string.Join(", ", DeclaredModels)}.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var incoming = new List<StoredRecord>(records.Count);
        for (var index = 0; index < records.Count; index++)
        {
            if (JsonSerializer.SerializeToNode(records[index], SerializerOptions) is not JsonObject payload)
            {
                throw new InvalidRecordsException($"Record {index} of model '{model}' is not a JSON object.");
            }

            var id = NormalizeId(payload, model, index);
            if (seen.Add(id))
            {
                incoming.Add(new StoredRecord(id, payload, payload.ToJsonString(SerializerOptions), IsDeleted: false));
            }
        }

        LargestBatch = Math.Max(LargestBatch, records.Count);
        return incoming;
    }

    private Dictionary<string, StoredRecord> StoreOf(string model)
    {
        if (!_records.TryGetValue(model, out var store))
        {
            store = new Dictionary<string, StoredRecord>(StringComparer.Ordinal);
            _records[model] = store;
        }

        return store;
    }

    private BatchResult Record(string model, BatchResult result)
    {
        var total = ChangesOf(model);
        _changes[model] = new BatchResult(
            total.Added + result.Added,
            total.Updated + result.Updated,
            total.Deleted + result.Deleted,
            total.Unchanged + result.Unchanged);
        lock (_waitersGate)
        {
            foreach (var waiter in _writeWaiters.Where(waiter => WriteCalls >= waiter.Writes).ToList())
            {
                _writeWaiters.Remove(waiter);
                waiter.Signal.TrySetResult();
            }
        }

        return result;
    }

    /// <summary>One record as the cache holds it.</summary>
    /// <param name="Json">The payload as serialized when written; equal JSON means unchanged content.</param>
    public sealed record StoredRecord(string Id, JsonObject Payload, string Json, bool IsDeleted);

    private sealed class NoNetworkHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"InMemorySyncContext has no network; the function called {request.RequestUri}.");
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            Entries.Add((logLevel, formatter(state, exception)));
        }
    }

    // Records-cache reads, merging strategy and deletion windows (the SDK surface added for issue 4).
    private readonly Dictionary<string, MergingStrategy> _mergingStrategies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deletionWindows = new(StringComparer.Ordinal);

    /// <summary>The strategy set per model (the first call wins, as in the engine).</summary>
    public IReadOnlyDictionary<string, MergingStrategy> MergingStrategies => _mergingStrategies;

    /// <summary>Models with an open deletion-detection window.</summary>
    public IReadOnlyCollection<string> OpenDeletionWindows => _deletionWindows;

    public override Task<IReadOnlyDictionary<string, CachedRecord>> GetRecordsByIdsAsync(IReadOnlyList<string> ids, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        cancellationToken.ThrowIfCancellationRequested();
        RequireDeclared(model);
        var found = new Dictionary<string, CachedRecord>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (Find(model, id) is { } record)
            {
                found[id] = ToCached(record);
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, CachedRecord>>(found);
    }

    /// <summary>Lists in id order; a cursor here is the id of the last record seen (the fake keeps no change order).</summary>
    public override async IAsyncEnumerable<CachedRecord> ListRecordsAsync(
        string model, string? cursor, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        RequireDeclared(model);
        foreach (var record in RecordsOf(model))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (cursor is null || string.CompareOrdinal(record.Id, cursor) > 0)
            {
                yield return ToCached(record);
            }
        }

        await Task.CompletedTask;
    }

    public override Task SetMergingStrategyAsync(MergingStrategy strategy, string model, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireDeclared(model);
        _mergingStrategies.TryAdd(model, strategy);
        return Task.CompletedTask;
    }

    public override Task TrackDeletesStartAsync(string model, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireDeclared(model);
        _deletionWindows.Add(model);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Only checks that a window is open: the fake does not record which unchanged records a save saw, so it cannot
    /// tell what to delete. Test deletion detection against the engine (Storage.Tests) instead.
    /// </summary>
    public override Task<IReadOnlyList<string>> TrackDeletesEndAsync(string model, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        RequireDeclared(model);
        if (!_deletionWindows.Remove(model))
        {
            throw new InvalidOperationException($"No track deletes starting point found for model '{model}': call TrackDeletesStartAsync before TrackDeletesEndAsync.");
        }

        throw new NotSupportedException("InMemorySyncContext does not track seen records; test deletion detection against the records cache.");
    }

    private void RequireDeclared(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!DeclaredModels.Contains(model, StringComparer.Ordinal))
        {
            throw new InvalidRecordsException(
                $"The model '{model}' is not included in the declared sync models: {string.Join(", ", DeclaredModels)}.");
        }
    }

    private CachedRecord ToCached(StoredRecord record)
    {
        var now = TimeProvider.GetUtcNow();
        return new CachedRecord(
            record.Id,
            (JsonObject)record.Payload.DeepClone(),
            new RecordMetadata(now, now, record.IsDeleted ? RecordAction.Deleted : RecordAction.Added, record.IsDeleted ? now : null, null, record.Id));
    }
}
