using System.Text;
using Tributary.Sdk;

namespace Tributary.Core.Ports;

/// <summary>The records cache: latest version of each external object, ordered by a commit-ordered sequence.</summary>
public interface IRecordStore
{
    /// <summary>Inserts new and rewrites changed records in one fenced transaction; unchanged ones are not touched.</summary>
    Task<BatchResult> UpsertAsync(RecordWrite write, IReadOnlyList<PreparedRecord> records, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <see cref="UpsertWhilePreparedAsync"/> pays: the store's own CPU writes the rows (SQLite, in process),
    /// so writing the first records while the rest are prepared puts the batch on two cores. A database server
    /// (PostgreSQL) already works beside the process, and takes the whole batch at once.
    /// </summary>
    bool UpsertsWhilePrepared { get; }

    /// <summary>
    /// <see cref="UpsertAsync"/> for a batch still being prepared: the records are written in order as
    /// <paramref name="records"/> gets them, in the same one fenced transaction, committed only once the feed is
    /// complete; if the feed fails nothing is written. With <see cref="RecordWrite.ProbeUnchanged"/> the stored hashes
    /// are read as the records arrive and the changed records are written once the feed is complete. A fresh write's
    /// positions are reserved for the feed's capacity, so a batch that held duplicates leaves unused positions after
    /// its last.
    /// </summary>
    Task<BatchResult> UpsertWhilePreparedAsync(RecordWrite write, PreparedRecordFeed records, CancellationToken cancellationToken);

    /// <summary>
    /// Rewrites live records whose stored hash is still <see cref="RecordUpdate.ExpectedHash"/> (batchUpdate after
    /// its merge), fenced. Missing, deleted or concurrently modified records are left alone.
    /// </summary>
    /// <returns>The ids written.</returns>
    Task<IReadOnlyList<string>> UpdateAsync(RecordWrite write, IReadOnlyList<RecordUpdate> records, CancellationToken cancellationToken);

    /// <summary>Soft-deletes live records by external id, fenced.</summary>
    Task<BatchResult> DeleteAsync(RecordWrite write, IReadOnlyList<string> externalIds, CancellationToken cancellationToken);

    /// <summary>
    /// The hash this store keeps for content hash <paramref name="contentHash"/> (<see cref="PreparedRecord.Hash"/>):
    /// the same value without payload encryption, a keyed hash with it. What <see cref="LivePayload.Hash"/> is compared with.
    /// </summary>
    string StoredHash(string contentHash);

    /// <summary>
    /// Reads the stored live payloads and hashes of the given ids (for merges). A pruned record's payload is null.
    /// </summary>
    Task<IReadOnlyDictionary<string, LivePayload>> GetLivePayloadsAsync(long connectionDbId, string model, IReadOnlyList<string> externalIds, CancellationToken cancellationToken);

    /// <summary>Hard-deletes every record of the models (emptyCache), fenced, and marks emptyCache done in the same transaction.</summary>
    Task<bool> EmptyForRunAsync(RunFence fence, long connectionDbId, IReadOnlyList<string> models, long now, CancellationToken cancellationToken);

    Task<RecordPage> ReadPageAsync(RecordPageQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The rows of <see cref="ReadPageAsync"/> as the database returns them: up to <see cref="RecordPageQuery.Limit"/>
    /// + 1 (the extra row says there is more), so <c>GET /records</c> writes each one before the next is read.
    /// Each row's payload is the stored JSON as UTF-8 bytes in a buffer the next row reuses (see <see cref="RecordPageRow"/>).
    /// </summary>
    IAsyncEnumerable<RecordPageRow> StreamPageAsync(RecordPageQuery query, CancellationToken cancellationToken);

    /// <summary>Live record counts of many datasets in one read: every (connection, model) pair of the lists that has a dataset.</summary>
    Task<IReadOnlyDictionary<(long ConnectionDbId, string Model), long>> CountLiveManyAsync(IReadOnlyList<long> connectionDbIds, IReadOnlyList<string> models, CancellationToken cancellationToken);

    /// <summary>Live (not deleted) record counts per model.</summary>
    Task<IReadOnlyDictionary<string, long>> CountLiveAsync(long connectionDbId, IReadOnlyList<string> models, CancellationToken cancellationToken);

    /// <summary>The dataset's last committed sequence number (0 when it has none): the boundary of <c>ignore_if_modified_after</c>.</summary>
    Task<long> GetLastSeqAsync(long connectionDbId, string model, CancellationToken cancellationToken);

    /// <summary>
    /// One batch of deletion detection: soft-deletes up to <paramref name="limit"/> live records whose last
    /// sighting is older than run <paramref name="seenSince"/>, scanning ids after <paramref name="afterExternalId"/>.
    /// Fenced, with its own transaction (a large dataset is deleted in several).
    /// </summary>
    Task<UnseenDeletion> DeleteUnseenAsync(RecordWrite write, long seenSince, string afterExternalId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Empties the payloads of up to <paramref name="limit"/> records at or before <paramref name="untilSeq"/>, in
    /// cursor order; metadata and positions stay.
    /// </summary>
    Task<PruneResult> PruneAsync(long connectionDbId, string model, long untilSeq, int limit, long now, CancellationToken cancellationToken);

    /// <summary>Retention: empties the payloads of up to <paramref name="limit"/> records (any dataset) not modified since <paramref name="modifiedBefore"/>.</summary>
    Task<int> PruneStaleAsync(long modifiedBefore, int limit, long now, CancellationToken cancellationToken);
}

/// <summary>One record ready to store: normalised payload (id as a string) and its content hash.</summary>
/// <remarks>
/// A batchSave's records carry their payload as the UTF-8 the SDK serialized (half the memory of its text while the
/// batch waits for its write, and what SQLite stores); <see cref="PayloadJson"/> decodes it once, when a store or a
/// merge asks. Both forms are the same JSON, and records are equal by id, payload and hash whichever form they carry.
/// </remarks>
public sealed class PreparedRecord : IEquatable<PreparedRecord>
{
    private byte[]? _payloadUtf8;
    private string? _payloadJson;

    public PreparedRecord(string externalId, string payloadJson, string hash)
    {
        ExternalId = externalId;
        _payloadJson = payloadJson;
        Hash = hash;
    }

    public PreparedRecord(string externalId, byte[] payloadUtf8, string hash)
    {
        ExternalId = externalId;
        _payloadUtf8 = payloadUtf8;
        Hash = hash;
    }

    public string ExternalId { get; }

    public string Hash { get; }

    /// <summary>The payload's JSON text (decoded from <see cref="PayloadUtf8"/> on first use).</summary>
    public string PayloadJson => _payloadJson ??= Encoding.UTF8.GetString(_payloadUtf8!);

    /// <summary>The payload's JSON as UTF-8 (encoded from <see cref="PayloadJson"/> on first use).</summary>
    public ReadOnlyMemory<byte> PayloadUtf8 => _payloadUtf8 ??= Encoding.UTF8.GetBytes(_payloadJson!);

    public bool Equals(PreparedRecord? other) =>
        other is not null
        && string.Equals(ExternalId, other.ExternalId, StringComparison.Ordinal)
        && string.Equals(Hash, other.Hash, StringComparison.Ordinal)
        && PayloadUtf8.Span.SequenceEqual(other.PayloadUtf8.Span);

    public override bool Equals(object? obj) => Equals(obj as PreparedRecord);

    public override int GetHashCode() => HashCode.Combine(ExternalId, Hash);

    public override string ToString() => $"PreparedRecord {{ ExternalId = {ExternalId}, PayloadJson = {PayloadJson}, Hash = {Hash} }}";
}

/// <summary>A merged record for <see cref="IRecordStore.UpdateAsync"/>, written only if the stored hash is still the one merged from.</summary>
public sealed record RecordUpdate(PreparedRecord Record, string ExpectedHash);

/// <summary>A live record's stored payload (null when pruned) and content hash.</summary>
public sealed record LivePayload(string? PayloadJson, string Hash);

/// <summary>
/// Where a batch goes and whose lease it carries. <see cref="ResultAfter"/> gives the run's counts after this
/// batch. <see cref="MarkSeen"/> marks unchanged records seen by this run (deletion detection is open);
/// <see cref="GuardSeq"/> (<c>ignore_if_modified_after</c>) skips records another run changed after that position.
/// <see cref="ProbeUnchanged"/> lets an upsert first read the stored hashes of the batch's ids and leave the rows that
/// match out of the write (the same outcome, without binding or writing their payloads); worth it when the previous
/// batch had unchanged records, a wasted read when every record is new. <see cref="ExpectNew"/> says the previous batch
/// of this model in this run added every record it wrote (a fresh ingest): a store may then try a plain insert of the
/// whole batch first and must fall back to the upsert, with nothing of the attempt left, when any id is already stored
/// (the outcome is the same either way; only the cost differs).
/// </summary>
public sealed record RecordWrite(
    RunFence Fence,
    long ConnectionDbId,
    string Model,
    long Now,
    Func<BatchResult, string> ResultAfter,
    bool MarkSeen = false,
    long? GuardSeq = null,
    bool ProbeUnchanged = true,
    bool ExpectNew = false);

/// <summary>One batch of deletion detection: the ids deleted, where the scan stopped, and whether more may remain.</summary>
public sealed record UnseenDeletion(IReadOnlyList<string> DeletedIds, string LastScanned, bool HasMore);

/// <summary>What one prune call did: how many payloads were emptied, and the position of the last one.</summary>
public sealed record PruneResult(int Count, long? LastSeq);

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
    int Limit)
{
    /// <summary>
    /// When set, the page has rows only while <see cref="ConnectionDbId"/> is still this connection: a database id kept
    /// in a cache (<c>RecordConnections</c>) that a delete and a re-create in another process have since given to
    /// another connection (SQLite reuses the highest row id) reads nothing rather than someone else's records.
    /// </summary>
    public RecordPageOwner? Owner { get; init; }
}

/// <summary>Who a records page's connection id must still belong to (see <see cref="RecordPageQuery.Owner"/>).</summary>
public sealed record RecordPageOwner(long EnvironmentId, string ProviderConfigKey, string ConnectionId);

/// <summary>A stored record; <see cref="PayloadJson"/> is empty when the record is pruned.</summary>
public sealed record StoredRecord(
    string ExternalId,
    string PayloadJson,
    long Seq,
    long AddedSeq,
    long CreatedAt,
    long UpdatedAt,
    long? DeletedAt,
    long? PrunedAt);

/// <summary>
/// A row of a streamed records page. <see cref="PayloadUtf8"/> is the stored JSON as UTF-8 (empty when pruned), read
/// straight from the database without a string in between; it is valid only until the enumerator moves on, so a
/// consumer copies it (into the response) before asking for the next row.
/// </summary>
public readonly record struct RecordPageRow(
    string ExternalId,
    ReadOnlyMemory<byte> PayloadUtf8,
    long Seq,
    long AddedSeq,
    long CreatedAt,
    long UpdatedAt,
    long? DeletedAt,
    long? PrunedAt);

public sealed record RecordPage(IReadOnlyList<StoredRecord> Records, bool HasMore);
