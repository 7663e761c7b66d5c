using System.Text.Json.Nodes;

namespace Tributary.Core.Ports;

/// <summary>Versioned checkpoints keyed by (connection, exact key); saves are optimistic and fenced.</summary>
public interface ICheckpointStore
{
    Task<StoredCheckpoint?> GetAsync(long connectionDbId, string key, CancellationToken cancellationToken);

    /// <summary>Many checkpoints in one read: every (connection, key) pair of the lists that exists.</summary>
    Task<IReadOnlyDictionary<(long ConnectionDbId, string Key), StoredCheckpoint>> GetManyAsync(IReadOnlyList<long> connectionDbIds, IReadOnlyList<string> keys, CancellationToken cancellationToken);

    /// <summary>Saves with optimistic concurrency: <paramref name="expectedVersion"/> null means "insert only".</summary>
    /// <returns>The new version, or null on a version conflict.</returns>
    /// <exception cref="Tributary.Sdk.LeaseLostException">The run lost its lease; nothing was written.</exception>
    Task<long?> SaveAsync(RunFence fence, long connectionDbId, string key, JsonObject value, long? expectedVersion, long now, CancellationToken cancellationToken);

    /// <summary>Soft-deletes the checkpoint if it exists; a missing one is a no-op.</summary>
    Task ClearAsync(RunFence fence, long connectionDbId, string key, long now, CancellationToken cancellationToken);
}

/// <summary>A stored checkpoint; <see cref="Value"/> is null when it was cleared (soft-deleted).</summary>
public sealed record StoredCheckpoint(JsonObject? Value, long Version);
