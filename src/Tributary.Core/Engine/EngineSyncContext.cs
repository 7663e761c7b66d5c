using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Tributary.Core.Domain;
using Tributary.Core.Ports;
using Tributary.Core.Records;
using Tributary.Sdk;

namespace Tributary.Core.Engine;

/// <summary>The SDK's <see cref="SyncContext"/> for one run attempt, backed by the stores and fenced by the run's lease.</summary>
internal sealed class EngineSyncContext : SyncContext
{
    private const int MaxCheckpointKeys = 16;
    private const int MaxCheckpointString = 4000;
    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    private readonly RunTarget _target;
    private readonly IRecordStore _records;
    private readonly ICheckpointStore _checkpoints;
    private readonly RunCounts _counts;
    private readonly JsonObject _metadata;
    private long? _checkpointVersion;
    private bool _checkpointLoaded;

    public EngineSyncContext(
        RunTarget target,
        IRecordStore records,
        ICheckpointStore checkpoints,
        RunCounts counts,
        HttpClient http,
        ILogger logger,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        _target = target;
        _records = records;
        _checkpoints = checkpoints;
        _counts = counts;
        _metadata = JsonNode.Parse(target.Connection.MetadataJson) as JsonObject ?? [];
        Http = http;
        Logger = logger;
        TimeProvider = timeProvider;
        CancellationToken = cancellationToken;
    }

    public override string ConnectionId => _target.Connection.ConnectionId;

    public override string ProviderConfigKey => _target.Connection.ProviderConfigKey;

    public override string Provider => _target.Connection.Provider;

    public override string SyncName => _target.Sync.Name;

    public override string Variant => _target.Sync.Variant;

    public override string RunId => _target.Run.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public override DateTimeOffset? LastSyncDate => Micros.ToDateTimeOffset(_target.Sync.LastSyncDate);

    public override IReadOnlyList<string> Models => _target.Config.Models;

    public override JsonObject Metadata => (JsonObject)_metadata.DeepClone();

    public override HttpClient Http { get; }

    public override ILogger Logger { get; }

    public override TimeProvider TimeProvider { get; }

    public override CancellationToken CancellationToken { get; }

    public override async Task<BatchResult> BatchSaveAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        EnsureDeclared(model);
        if (records.Count == 0)
        {
            return BatchResult.Empty;
        }

        var batch = RecordPreparer.Prepare(records, model);
        if (batch.Duplicates.Count > 0)
        {
            Logger.LogWarning(
                "Found {Count} duplicate ids for model {Model} in one batch (first kept), e.g. '{Example}'.",
                batch.Duplicates.Count,
                model,
                batch.Duplicates[0]);
        }

        var result = await _records.UpsertAsync(Write(model), batch.Records, cancellationToken);
        _counts.Apply(model, result);
        return result;
    }

    public override async Task<BatchResult> BatchUpdateAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        EnsureDeclared(model);
        if (records.Count == 0)
        {
            return BatchResult.Empty;
        }

        var patches = RecordPreparer.Prepare(records, model).Records;
        var stored = await _records.GetLivePayloadsAsync(_target.Connection.Id, _target.FullModelName(model), patches.Select(p => p.ExternalId).ToList(), cancellationToken);
        var merged = new List<PreparedRecord>(patches.Count);
        for (var i = 0; i < patches.Count; i++)
        {
            if (!stored.TryGetValue(patches[i].ExternalId, out var current)
                || JsonNode.Parse(current) is not JsonObject target
                || JsonNode.Parse(patches[i].PayloadJson) is not JsonObject patch)
            {
                continue;
            }

            JsonMerge.Into(target, patch);
            var json = target.ToJsonString();

            // The hash is of the merged payload (Nango hashes the partial, so the next identical save looks changed).
            merged.Add(new PreparedRecord(patches[i].ExternalId, json, RecordPreparer.Hash(json)));
        }

        var result = await _records.UpsertAsync(Write(model), merged, cancellationToken);
        _counts.Apply(model, result);
        return result with { Unchanged = patches.Count - result.Added - result.Updated };
    }

    public override async Task<BatchResult> BatchDeleteAsync<T>(IReadOnlyList<T> records, string model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        EnsureDeclared(model);
        if (records.Count == 0)
        {
            return BatchResult.Empty;
        }

        var ids = RecordPreparer.Ids(records, model);
        var result = await _records.DeleteAsync(Write(model), ids, cancellationToken);
        _counts.Apply(model, result);
        return result;
    }

    public override async Task<JsonObject?> GetCheckpointAsync(CancellationToken cancellationToken)
    {
        var stored = await _checkpoints.GetAsync(_target.Connection.Id, _target.CheckpointKey, cancellationToken);
        _checkpointLoaded = true;
        _checkpointVersion = stored?.Version;
        return stored?.Value;
    }

    public override async Task SaveCheckpointAsync(JsonObject checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ValidateCheckpoint(checkpoint);
        if (!_checkpointLoaded)
        {
            await GetCheckpointAsync(cancellationToken);
        }

        var version = await _checkpoints.SaveAsync(
            _target.Fence,
            _target.Connection.Id,
            _target.CheckpointKey,
            checkpoint,
            _checkpointVersion,
            Micros.Now(TimeProvider),
            cancellationToken);
        _checkpointVersion = version ?? throw new CheckpointConflictException(
            $"The checkpoint '{_target.CheckpointKey}' was updated since this run read it (expected version {_checkpointVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}).");
    }

    public override async Task ClearCheckpointAsync(CancellationToken cancellationToken)
    {
        await _checkpoints.ClearAsync(_target.Fence, _target.Connection.Id, _target.CheckpointKey, Micros.Now(TimeProvider), cancellationToken);
        _checkpointLoaded = false;
    }

    private RecordWrite Write(string model) =>
        new(_target.Fence, _target.Connection.Id, _target.FullModelName(model), Micros.Now(TimeProvider), batch => _counts.Preview(model, batch));

    private void EnsureDeclared(string model)
    {
        if (!_target.Config.Models.Contains(model, StringComparer.Ordinal))
        {
            throw new InvalidRecordsException(
                $"The model '{model}' is not included in the declared sync models: {string.Join(", ", _target.Config.Models)}.");
        }
    }

    private static void ValidateCheckpoint(JsonObject checkpoint)
    {
        if (checkpoint.Count > MaxCheckpointKeys)
        {
            throw new ArgumentException($"A checkpoint has at most {MaxCheckpointKeys} keys; this one has {checkpoint.Count}.", nameof(checkpoint));
        }

        foreach (var (key, value) in checkpoint)
        {
            if (key.Length > 255)
            {
                throw new ArgumentException($"Checkpoint key '{key[..32]}…' is longer than 255 characters.", nameof(checkpoint));
            }

            var valid = value is JsonValue scalar && scalar.GetValueKind() switch
            {
                JsonValueKind.String => scalar.GetValue<string>().Length <= MaxCheckpointString,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => true,
                _ => false,
            };
            if (!valid)
            {
                throw new ArgumentException(
                    $"Checkpoint value '{key}' must be a string of at most {MaxCheckpointString} characters, a number or a boolean (checkpoints are flat).",
                    nameof(checkpoint));
            }
        }
    }

    internal static JsonSerializerOptions SerializerOptions => WebOptions;
}
