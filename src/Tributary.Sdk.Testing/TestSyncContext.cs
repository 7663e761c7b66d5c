using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Tributary.Sdk.Rules;

namespace Tributary.Sdk.Testing;

/// <summary>
/// A <see cref="SyncContext"/> for unit tests of sync functions: records, deletes, the checkpoint, deletion windows
/// and metadata live in memory, and every call goes through the engine's own rules (ids, normalisation, hashing,
/// batchUpdate's merge, checkpoint shape, declared models, cursors), so a call the engine would refuse throws the
/// same exception with the same message here.
/// </summary>
/// <remarks>
/// <para>
/// Records change as the records cache changes them: the same content is unchanged, a delete keeps the payload, saving
/// a deleted record adds it again, every change takes the next position (its <see cref="RecordMetadata.Cursor"/>).
/// </para>
/// <para>
/// One context can serve several runs of a function: <see cref="StartNextRun"/> begins the next one, keeping records,
/// the checkpoint, metadata and open deletion windows, as the engine keeps them between runs. Deletion detection
/// works across runs as in the engine: a window opened in run <c>n</c> deletes, when it closes, the live records no run
/// since <c>n</c> has saved while a window was open or written.
/// </para>
/// <para>
/// Provider calls go through <see cref="Http"/>, whose handler is <see cref="HttpHandler"/>: without one, every call
/// fails, so a unit test never reaches the network by accident. One run at a time; only
/// <see cref="WhenWriteCallsReachAsync"/> and <see cref="LogEntries"/> may be used from another thread.
/// </para>
/// </remarks>
public sealed class TestSyncContext : SyncContext
{
    /// <summary>The instant the default <see cref="TimeProvider"/> starts at.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Dictionary<string, TestDataset> _datasets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BatchResult> _changes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long?> _mergeGuards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _deletionWindows = new(StringComparer.Ordinal);
    private readonly List<(int Writes, TaskCompletionSource Signal)> _writeWaiters = [];
    private readonly Lock _waitersGate = new();
    private readonly TestLogger _logger = new();
    private readonly Lazy<HttpClient> _http;
    private JsonObject? _checkpoint;
    private long _run = 1;
    private int _writeCalls;

    /// <summary>Creates a context for a sync that declares <paramref name="models"/>.</summary>
    /// <param name="models">The sync's models; records of other models are refused, as the engine refuses them.</param>
    /// <param name="metadata">The connection's metadata (see <see cref="StoredMetadata"/>).</param>
    /// <param name="timeProvider">The clock; by default a <see cref="FakeTimeProvider"/> at <see cref="DefaultStart"/>.</param>
    public TestSyncContext(IEnumerable<string> models, JsonObject? metadata = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        DeclaredModels = [.. models];
        StoredMetadata = metadata ?? [];
        TimeProvider = timeProvider ?? new FakeTimeProvider(DefaultStart);
        _http = new Lazy<HttpClient>(() => new HttpClient(HttpHandler ?? new NoNetworkHandler(), disposeHandler: false) { BaseAddress = HttpBaseAddress });
    }

    /// <summary>The models <see cref="Models"/> reports; change it between runs to test a changed sync config.</summary>
    public List<string> DeclaredModels { get; }

    /// <summary>The connection's metadata; <see cref="Metadata"/> hands out copies. Replace or edit it between runs.</summary>
    public JsonObject StoredMetadata { get; set; }

    /// <summary>The connection's config; <see cref="ConnectionConfig"/> hands out copies.</summary>
    public JsonObject StoredConnectionConfig { get; set; } = [];

    /// <summary>What <see cref="LastSyncDate"/> reports.</summary>
    public DateTimeOffset? StoredLastSyncDate { get; set; }

    /// <summary>What <see cref="CancellationToken"/> reports.</summary>
    public CancellationToken RunCancellationToken { get; set; }

    /// <summary>
    /// Answers the function's provider calls made through <see cref="Http"/> (a stub, or a recorded-response replayer).
    /// Without it every call throws <see cref="InvalidOperationException"/>. Set it before the first call.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>The base address of <see cref="Http"/>, as the engine sets the provider's API base.</summary>
    public Uri? HttpBaseAddress { get; init; }

    /// <inheritdoc />
    public override string ConnectionId => ConnectionIdValue;

    /// <summary>What <see cref="ConnectionId"/> reports.</summary>
    public string ConnectionIdValue { get; init; } = "test-connection";

    /// <inheritdoc />
    public override string ProviderConfigKey => ProviderConfigKeyValue;

    /// <summary>What <see cref="ProviderConfigKey"/> reports.</summary>
    public string ProviderConfigKeyValue { get; init; } = "test-integration";

    /// <inheritdoc />
    public override string Provider => ProviderValue;

    /// <summary>What <see cref="Provider"/> reports.</summary>
    public string ProviderValue { get; init; } = "test-provider";

    /// <inheritdoc />
    public override string SyncName => SyncNameValue;

    /// <summary>What <see cref="SyncName"/> reports.</summary>
    public string SyncNameValue { get; init; } = "test-sync";

    /// <inheritdoc />
    public override string Variant => VariantValue;

    /// <summary>What <see cref="Variant"/> reports.</summary>
    public string VariantValue { get; init; } = "base";

    /// <summary>The current run's number, from 1; <see cref="StartNextRun"/> advances it. <see cref="RunId"/> is its text.</summary>
    public long RunNumber => _run;

    /// <inheritdoc />
    public override string RunId => _run.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override DateTimeOffset? LastSyncDate => StoredLastSyncDate;

    /// <inheritdoc />
    public override IReadOnlyList<string> Models => DeclaredModels;

    /// <inheritdoc />
    public override JsonObject Metadata => (JsonObject)StoredMetadata.DeepClone();

    /// <inheritdoc />
    public override JsonObject ConnectionConfig => (JsonObject)StoredConnectionConfig.DeepClone();

    /// <inheritdoc />
    public override HttpClient Http => _http.Value;

    /// <inheritdoc />
    public override Tributary.Sdk.Paging.PaginationOptions? ProviderPagination => ProviderPaginationValue;

    /// <summary>What <see cref="ProviderPagination"/> reports: the provider template's <c>proxy.paginate</c> a run would see (none by default).</summary>
    public Tributary.Sdk.Paging.PaginationOptions? ProviderPaginationValue { get; init; }

    /// <inheritdoc />
    public override ILogger Logger => _logger;

    /// <summary>The clock; by default a <see cref="FakeTimeProvider"/> at <see cref="DefaultStart"/> that moves only when the test advances it.</summary>
    public override TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public override CancellationToken CancellationToken => RunCancellationToken;

    /// <summary>batchSave calls of this run that passed the rules.</summary>
    public int SaveCalls { get; private set; }

    /// <summary>batchUpdate calls of this run that passed the rules.</summary>
    public int UpdateCalls { get; private set; }

    /// <summary>batchDelete calls of this run that passed the rules.</summary>
    public int DeleteCalls { get; private set; }

    /// <summary>Save, update and delete calls of this run together.</summary>
    public int WriteCalls => SaveCalls + UpdateCalls + DeleteCalls;

    /// <summary>Checkpoint reads of this run.</summary>
    public int CheckpointReads { get; private set; }

    /// <summary>Checkpoint saves of this run that passed the rules.</summary>
    public int CheckpointSaves { get; private set; }

    /// <summary>Checkpoint clears of this run.</summary>
    public int CheckpointClears { get; private set; }

    /// <summary>The most records passed in one write call of this run.</summary>
    public int LargestBatch { get; private set; }

    /// <summary>Messages logged through <see cref="Logger"/>, oldest first.</summary>
    public IReadOnlyList<TestLogEntry> LogEntries => _logger.Entries;

    /// <summary>
    /// A copy of the stored checkpoint, or <see langword="null"/>. Setting it seeds the checkpoint a run will read; the
    /// value must follow the checkpoint rules (<see cref="InvalidRecordsException"/> otherwise) and is stored as the
    /// engine stores it (dates as ISO strings).
    /// </summary>
    public JsonObject? StoredCheckpoint
    {
        get => (JsonObject?)_checkpoint?.DeepClone();
        set => _checkpoint = value is null ? null : CheckpointRules.Normalize(value);
    }

    /// <summary>The merging strategy set per model in this run (the first call per model wins, as in the engine).</summary>
    public IReadOnlyDictionary<string, MergingStrategy> MergingStrategies =>
        _mergeGuards.ToDictionary(pair => pair.Key, pair => pair.Value is null ? MergingStrategy.Override : MergingStrategy.IgnoreIfModifiedAfter, StringComparer.Ordinal);

    /// <summary>Models with an open deletion-detection window.</summary>
    public IReadOnlyCollection<string> OpenDeletionWindows => _deletionWindows.Keys;

    /// <summary>What this run's writes to <paramref name="model"/> changed, deletion detection included.</summary>
    public BatchResult ChangesOf(string model) => _changes.GetValueOrDefault(model, BatchResult.Empty);

    /// <summary>
    /// Begins the next run: <see cref="RunNumber"/> advances, the counters, <see cref="ChangesOf"/> and the merging
    /// strategies start afresh; records, the checkpoint, metadata and open deletion windows stay, as between two runs
    /// of the engine.
    /// </summary>
    public void StartNextRun()
    {
        _run++;
        SaveCalls = 0;
        UpdateCalls = 0;
        DeleteCalls = 0;
        CheckpointReads = 0;
        CheckpointSaves = 0;
        CheckpointClears = 0;
        LargestBatch = 0;
        _changes.Clear();
        _mergeGuards.Clear();
        lock (_waitersGate)
        {
            _writeCalls = 0;
        }
    }

    /// <summary>
    /// Stores records of <paramref name="model"/> as another run wrote them (e.g. an earlier sync, or a webhook
    /// function writing while this run goes on), under the same rules as <see cref="BatchSaveAsync{T}"/>. Counters and
    /// <see cref="ChangesOf"/> are left alone.
    /// </summary>
    /// <exception cref="InvalidRecordsException">A record breaks the rules, or the model is not declared.</exception>
    public BatchResult SeedRecords<T>(IReadOnlyList<T> records, string model)
    {
        ArgumentNullException.ThrowIfNull(records);
        SyncContextRules.EnsureDeclared(DeclaredModels, model);
        var batch = RecordRules.Prepare(records, model, static record => record);
        return DatasetOf(model).Upsert(batch.Records, new TestDataset.Write(0, Now(), MarkSeen: false, Guard: null));
    }

    /// <summary>Every stored record of <paramref name="model"/>, deleted ones included, ordered by id.</summary>
    public IReadOnlyList<TestRecord> RecordsOf(string model) =>
        _datasets.TryGetValue(model, out var dataset)
            ? [.. dataset.Rows.OrderBy(row => row.Id, StringComparer.Ordinal).Select(row => row.ToTestRecord())]
            : [];

    /// <summary>The live (not deleted) records of <paramref name="model"/>, ordered by id.</summary>
    public IReadOnlyList<TestRecord> LiveRecordsOf(string model) => [.. RecordsOf(model).Where(record => !record.IsDeleted)];

    /// <summary>The stored record of <paramref name="model"/> with <paramref name="id"/>, deleted or not, or <see langword="null"/>.</summary>
    public TestRecord? Find(string model, string id) =>
        _datasets.TryGetValue(model, out var dataset) ? dataset.Find(id)?.ToTestRecord() : null;

    /// <summary>Completes once <see cref="WriteCalls"/> reaches <paramref name="writes"/>, so a test waits on a running function without sleeping.</summary>
    public Task WhenWriteCallsReachAsync(int writes, CancellationToken cancellationToken)
    {
        lock (_waitersGate)
        {
            if (_writeCalls >= writes)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _writeWaiters.Add((writes, signal));
            return signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    public override Task<BatchResult> BatchSaveAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        SyncContextRules.EnsureDeclared(DeclaredModels, model);
        cancellationToken.ThrowIfCancellationRequested();
        var batch = RecordRules.Prepare(records, model, static record => record);
        SyncContextRules.LogDuplicates(Logger, model, batch.Duplicates);
        SaveCalls++;
        var markSeen = _deletionWindows.ContainsKey(model);
        var result = records.Count == 0 ? BatchResult.Empty : DatasetOf(model).Upsert(batch.Records, WriteOf(model, markSeen));
        return Task.FromResult(Written(model, records.Count, result));
    }

    /// <inheritdoc />
    public override Task<BatchResult> BatchUpdateAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        SyncContextRules.EnsureDeclared(DeclaredModels, model);
        cancellationToken.ThrowIfCancellationRequested();
        var batch = RecordRules.Prepare(records, model, static record => record);
        SyncContextRules.LogDuplicates(Logger, model, batch.Duplicates);
        UpdateCalls++;
        var result = records.Count == 0 ? BatchResult.Empty : DatasetOf(model).Update(batch.Records, WriteOf(model, markSeen: false));
        return Task.FromResult(Written(model, records.Count, result));
    }

    /// <inheritdoc />
    public override Task<BatchResult> BatchDeleteAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        SyncContextRules.EnsureDeclared(DeclaredModels, model);
        cancellationToken.ThrowIfCancellationRequested();
        var ids = RecordRules.Ids(records, model);
        DeleteCalls++;
        var result = records.Count == 0 ? BatchResult.Empty : DatasetOf(model).Delete(ids, WriteOf(model, markSeen: false));
        return Task.FromResult(Written(model, records.Count, result));
    }

    /// <inheritdoc />
    public override Task<IReadOnlyDictionary<string, CachedRecord>> GetRecordsByIdsAsync(IReadOnlyList<string> ids, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        SyncContextRules.EnsureDeclared(DeclaredModels, model);
        cancellationToken.ThrowIfCancellationRequested();
        var found = new Dictionary<string, CachedRecord>(StringComparer.Ordinal);
        if (_datasets.TryGetValue(model, out var dataset))
        {
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (dataset.Find(id) is { } row)
                {
                    found[id] = row.ToCachedRecord();
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, CachedRecord>>(found);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<CachedRecord> ListRecordsAsync(string model, string? cursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SyncContextRules.EnsureDeclared(DeclaredModels, model);
        var after = RecordCursors.DecodeListCursor(cursor) ?? 0;
        await Task.CompletedTask;
        if (!_datasets.TryGetValue(model, out var dataset))
        {
            yield break;
        }

        foreach (var row in dataset.Rows.Where(row => row.Seq > after).OrderBy(row => row.Seq).ToList())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row.ToCachedRecord();
        }
    }

    /// <inheritdoc />
    public override Task SetMergingStrategyAsync(MergingStrategy strategy, string model, CancellationToken cancellationToken)
    {
        SyncContextRules.EnsureDeclared(DeclaredModels, model);
        cancellationToken.ThrowIfCancellationRequested();
        if (_mergeGuards.ContainsKey(model))
        {
            SyncContextRules.LogStrategyIgnored(Logger, model, strategy);
            return Task.CompletedTask;
        }

        _mergeGuards[model] = strategy == MergingStrategy.IgnoreIfModifiedAfter ? DatasetOf(model).LastSeq : null;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task TrackDeletesStartAsync(string model, CancellationToken cancellationToken)
    {
        SyncContextRules.EnsureDeclared(DeclaredModels, model);
        cancellationToken.ThrowIfCancellationRequested();
        _deletionWindows.TryAdd(model, _run);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task<IReadOnlyList<string>> TrackDeletesEndAsync(string model, CancellationToken cancellationToken)
    {
        SyncContextRules.EnsureDeclared(DeclaredModels, model);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_deletionWindows.Remove(model, out var start))
        {
            throw SyncContextRules.NoDeletionWindow(model);
        }

        var deleted = DatasetOf(model).DeleteUnseen(start, WriteOf(model, markSeen: false));
        Count(model, new BatchResult(0, 0, deleted.Count, 0));
        return Task.FromResult<IReadOnlyList<string>>(deleted);
    }

    /// <inheritdoc />
    public override Task<JsonObject?> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CheckpointReads++;
        return Task.FromResult(StoredCheckpoint);
    }

    /// <inheritdoc />
    public override Task SaveCheckpointAsync(JsonObject checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var value = CheckpointRules.Normalize(checkpoint);
        cancellationToken.ThrowIfCancellationRequested();
        CheckpointSaves++;
        _checkpoint = value;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task ClearCheckpointAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        CheckpointClears++;
        _checkpoint = null;
        return Task.CompletedTask;
    }

    private TestDataset DatasetOf(string model)
    {
        if (!_datasets.TryGetValue(model, out var dataset))
        {
            dataset = new TestDataset();
            _datasets[model] = dataset;
        }

        return dataset;
    }

    private TestDataset.Write WriteOf(string model, bool markSeen) =>
        new(_run, Now(), markSeen, _mergeGuards.GetValueOrDefault(model));

    /// <summary>The engine keeps times in microseconds.</summary>
    private DateTimeOffset Now()
    {
        var now = TimeProvider.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % 10), TimeSpan.Zero);
    }

    private BatchResult Written(string model, int passed, BatchResult result)
    {
        LargestBatch = Math.Max(LargestBatch, passed);
        Count(model, result);
        lock (_waitersGate)
        {
            _writeCalls++;
            foreach (var waiter in _writeWaiters.Where(waiter => _writeCalls >= waiter.Writes).ToList())
            {
                _writeWaiters.Remove(waiter);
                waiter.Signal.TrySetResult();
            }
        }

        return result;
    }

    private void Count(string model, BatchResult result)
    {
        var total = ChangesOf(model);
        _changes[model] = new BatchResult(
            total.Added + result.Added,
            total.Updated + result.Updated,
            total.Deleted + result.Deleted,
            total.Unchanged + result.Unchanged);
    }
}
