using Tributary.Sdk;

namespace Tributary.Core.Ports;

/// <summary>The records cache: latest version of each external object, ordered by a commit-ordered sequence.</summary>
public interface IRecordStore
{
    /// <summary>Inserts new and rewrites changed records in one fenced transaction; unchanged ones are not touched.</summary>
    Task<BatchResult> UpsertAsync(RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken);

    /// <summary>Soft-deletes live records by external id, fenced.</summary>
    Task<BatchResult> DeleteAsync(RecordWrite write, IReadOnlyList<string> externalIds, CancellationToken cancellationToken);

    /// <summary>Reads the stored live payloads of the given ids (for merges).</summary>
    Task<IReadOnlyDictionary<string, string>> GetLivePayloadsAsync(long connectionDbId, string model, IReadOnlyList<string> externalIds, CancellationToken cancellationToken);

    /// <summary>Hard-deletes every record of the models (emptyCache), fenced, and marks emptyCache done in the same transaction.</summary>
    Task<bool> EmptyForRunAsync(RunFence fence, long connectionDbId, IReadOnlyList<string> models, long now, CancellationToken cancellationToken);

    Task<RecordPage> ReadPageAsync(RecordPageQuery query, CancellationToken cancellationToken);

    /// <summary>Live (not deleted) record counts per model.</summary>
    Task<IReadOnlyDictionary<string, long>> CountLiveAsync(long connectionDbId, IReadOnlyList<string> models, CancellationToken cancellationToken);
}

/// <summary>One record ready to store: normalised payload (id as a string) and its content hash.</summary>
public sealed record PreparedRecord(string ExternalId, string PayloadJson, string Hash);

/// <summary>Where a batch goes and whose lease it carries; <see cref="ResultJson"/> is the run's counts after this batch.</summary>
public sealed record RecordWrite(RunFence Fence, long ConnectionDbId, string Model, long Now, Func<BatchResult, string> ResultAfter);

[Flags]
public enum RecordFilter
{
    None = 0,
    Added = 1,
    Updated = 2,
    Deleted = 4,
}

public sealed record RecordPageQuery(
    long ConnectionDbId,
    string Model,
    long? AfterSeq,
    long? ModifiedAfter,
    RecordFilter Filter,
    IReadOnlyList<string> Ids,
    int Limit);

public sealed record StoredRecord(
    string ExternalId,
    string PayloadJson,
    long Seq,
    long AddedSeq,
    long CreatedAt,
    long UpdatedAt,
    long? DeletedAt,
    long? PrunedAt);

public sealed record RecordPage(IReadOnlyList<StoredRecord> Records, bool HasMore);
